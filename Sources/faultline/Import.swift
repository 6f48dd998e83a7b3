import ArgumentParser
import Glibc
import FaultlineYAML
import FaultlineModel
import FaultlineReport
import FaultlineImport

extension ImportSource: ExpressibleByArgument {}

/// `faultline import compose|kubernetes|backstage PATH...`: a native topology
/// from what a team already has, each inferred fact commented with its origin.
struct Import: RunnableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Write a topology from Docker Compose files, Kubernetes manifests (with Istio) or a Backstage catalog.",
        discussion: """
        Every inferred fact carries a comment saying where it came from. A directory stands for its \
        compose.yaml / docker-compose.yml (and override) files for compose, and for every *.yaml and *.yml \
        below it for kubernetes and backstage. docs/importers.md describes every heuristic and its limits. \
        Exit status: 0 when the topology was written, 2 when the input could not be read.
        """
    )

    @Argument(help: "Where the input comes from: \(ImportSource.allCases.map(\.rawValue).joined(separator: ", ")).")
    var source: ImportSource

    @Argument(help: "Files or directories to import, all as one system; '-' reads standard input.")
    var paths: [String]

    @Option(help: "Write the topology to this file instead of standard output (replaced atomically).")
    var output: String?

    @Flag(help: "List what was skipped or guessed (kinds, fields, directions) on standard error.")
    var verbose = false

    @Flag(name: .customLong("no-mesh-defaults"), help: "Do not model Istio's default retries for calls in the mesh that no route configures.")
    var noMeshDefaults = false

    @Option(name: .customLong("stdin-filename"), help: "The file name that positions of input read from '-' carry.")
    var stdinFilename: String = "<stdin>"

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give at least one file, directory or '-'") }
        if paths.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input ('-') can be read only once") }
    }

    func execute() -> Int32 {
        let options = ImportOptions(meshDefaults: !noMeshDefaults)
        let result: ImportResult
        switch ImportInput.run(source, paths: paths, stdinName: stdinFilename, options: options) {
        case .success(let value): result = value
        case .failure(let failure): return ImportInput.reportInvalid(failure.diagnostics)
        }
        if let output {
            if let problem = FileInput.writeAtomically(to: output, { $0.write(result.text); $0.flush() }) {
                printError("faultline: error: cannot write '\(output)': \(problem)")
                return ExitStatus.invalidInput
            }
        } else {
            FileInput.writeStandardOutput(result.text)
        }
        ImportInput.printNotes(result, verbose: verbose)
        return ExitStatus.clean
    }
}

/// Gathering import input and reporting on it, shared by `import` and `lint --from`.
enum ImportInput {
    static func run(_ source: ImportSource, paths: [String], stdinName: String, options: ImportOptions) -> Result<ImportResult, LoadFailure> {
        gather(source, paths, stdinName: stdinName, maxBytes: options.limits.maxFileBytes).flatMap { files in
            Importer.run(source, files: files, options: options)
        }
    }

    /// `lint --from`: the generated topology as one source named `<imported>`,
    /// and the relocation that moves its findings back to the source files.
    static func lintInput(_ source: ImportSource, paths: [String], stdinName: String, options: ImportOptions,
                          verbose: Bool) -> Result<(sources: [SourceFile], relocation: Relocation), LoadFailure> {
        gather(source, paths, stdinName: stdinName, maxBytes: options.limits.maxFileBytes).flatMap { files in
            Importer.run(source, files: files, options: options).map { result in
                printNotes(result, verbose: verbose)
                let relocation = Relocation(files: files.map(\.name)) { result.relocate($0) }
                return ([SourceFile(name: Importer.generatedFileName, text: result.text)], relocation)
            }
        }
    }

    static func printNotes(_ result: ImportResult, verbose: Bool) {
        if verbose {
            for note in result.notes { printError("faultline: note: \(note)") }
        }
        printError("faultline: \(result.summary)")
    }

    static func reportInvalid(_ diagnostics: [Diagnostic]) -> Int32 {
        printError(diagnostics.map(\.description).joined(separator: "\n"))
        let count = diagnostics.count
        printError("faultline: \(count) problem\(count == 1 ? "" : "s") in the input; nothing was imported")
        return ExitStatus.invalidInput
    }

    /// The files the paths stand for. A Compose directory stands for its
    /// Compose files (in the order Compose merges them); a Kubernetes or
    /// Backstage directory for every *.yaml and *.yml below it (hidden ones
    /// excepted, symbolic links to directories not followed), in path order.
    static func gather(_ source: ImportSource, _ paths: [String], stdinName: String, maxBytes: Int) -> Result<[SourceFile], LoadFailure> {
        var arguments: [String] = []
        var problems: [Diagnostic] = []
        for path in paths {
            guard path != "-", FileInput.isDirectory(path) else {
                arguments.append(path)
                continue
            }
            let found = source == .compose ? composeFiles(in: path) : yamlFilesBelow(path)
            if found.isEmpty {
                let what = source == .compose ? "compose.yaml, compose.yml, docker-compose.yaml or docker-compose.yml" : ".yaml or .yml file"
                problems.append(Diagnostic("this directory holds no \(what)", at: SourceLocation(file: path, line: 1, column: 1)))
            }
            arguments += found
        }
        switch FileInput.gather(arguments, stdinName: stdinName, maxBytes: maxBytes) {
        case .success(let files):
            return problems.isEmpty ? .success(files) : .failure(LoadFailure(diagnostics: problems))
        case .failure(let failure):
            return .failure(LoadFailure(diagnostics: (problems + failure.diagnostics).sorted()))
        }
    }

    static let composeNames = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"]

    static func composeFiles(in directory: String) -> [String] {
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        guard let main = composeNames.first(where: { FileInput.exists(base + $0) && !FileInput.isDirectory(base + $0) }) else { return [] }
        let stem = main.hasSuffix(".yaml") ? String(main.dropLast(5)) : String(main.dropLast(4))
        let override = [stem + ".override.yaml", stem + ".override.yml"].first { FileInput.exists(base + $0) && !FileInput.isDirectory(base + $0) }
        return [base + main] + (override.map { [base + $0] } ?? [])
    }

    /// Walks a directory tree with an explicit stack, so deep trees never deepen the call stack.
    static func yamlFilesBelow(_ root: String) -> [String] {
        var found: [String] = []
        var pending = [root]
        var visited = 0
        while let directory = pending.popLast() {
            visited += 1
            if visited > 100_000 { break }
            guard let handle = opendir(directory) else { continue }
            defer { closedir(handle) }
            while let entry = readdir(handle) {
                let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                    pointer.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
                }
                guard !name.hasPrefix(".") else { continue }
                let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
                var status = stat()
                guard lstat(path, &status) == 0 else { continue }
                let type = status.st_mode & S_IFMT
                if type == S_IFDIR {
                    pending.append(path)
                } else if name.hasSuffix(".yaml") || name.hasSuffix(".yml"), type == S_IFREG || (type == S_IFLNK && !FileInput.isDirectory(path)) {
                    found.append(path)
                }
            }
        }
        return found.sorted()
    }
}
