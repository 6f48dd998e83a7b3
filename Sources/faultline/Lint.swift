import ArgumentParser
import Glibc
import FaultlineYAML
import FaultlineModel
import FaultlineRules
import FaultlineReport
import FaultlineImport

extension OutputFormat: ExpressibleByArgument {}
extension FailThreshold: ExpressibleByArgument {}

struct Lint: RunnableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Lint topology files; several files form one system.",
        discussion: """
        Exit status: 0 when no finding is at or above --fail-on, 1 when one is, 2 when the input \
        could not be analysed (unreadable file, invalid YAML or topology, bad flag, configuration or baseline). \
        Suppressed findings and findings in the baseline never fail the run.
        """
    )

    @Argument(help: "Topology files (YAML); '-' reads standard input; a directory stands for every *.yaml and *.yml in it. All of them form one system.")
    var files: [String]

    @Option(help: "Output format: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: OutputFormat = .text

    @Option(name: .customLong("fail-on"), help: "Lowest severity that fails the run (exit 1): error, warning, note or never. Default: error, or 'fail_on' from the configuration.")
    var failOn: FailThreshold?

    @Option(help: "Configuration file. Default: ./\(ConfigurationLoader.fileName) when it exists.")
    var config: String?

    @Option(help: "Write the report to this file instead of standard output (replaced atomically).")
    var output: String?

    @Option(help: "Fail only on findings that are not in this baseline file.")
    var baseline: String?

    @Option(name: .customLong("write-baseline"), help: "Record the current findings in this file (for --baseline) and exit 0.")
    var writeBaseline: String?

    @Option(name: .customLong("stdin-filename"), help: "The file name that positions of a topology read from '-' carry.")
    var stdinFilename: String = "<stdin>"

    @Option(name: .customLong("max-file-size"), help: "Largest topology file, in bytes.")
    var maxFileSize: Int = YAMLLimits.default.maxFileBytes

    @Option(name: .customLong("max-nodes"), help: "Most YAML nodes one file may expand to through aliases.")
    var maxNodes: Int = YAMLLimits.default.maxExpandedNodes

    @Option(name: .customLong("max-depth"), help: "Deepest nesting of YAML collections allowed.")
    var maxDepth: Int = YAMLLimits.default.maxDepth

    @Option(name: .customLong("max-scalar-length"), help: "Longest single YAML value, in bytes.")
    var maxScalarLength: Int = YAMLLimits.default.maxScalarBytes

    @Flag(help: "Print how long each stage and each rule took, to standard error.")
    var timings = false

    @Option(help: "Import the files from \(ImportSource.allCases.map(\.rawValue).joined(separator: ", ")) and lint the result; findings point into those files (see 'faultline import').")
    var from: ImportSource?

    @Flag(help: "With --from: list what the import skipped or guessed, on standard error.")
    var verbose = false

    @Flag(name: .customLong("no-mesh-defaults"), help: "With --from kubernetes: do not model Istio's default retries.")
    var noMeshDefaults = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one topology file, '-' or a directory") }
        if files.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input ('-') can be read only once") }
        // Node records hold offsets and sizes in 32 bits.
        if maxFileSize < 1 || maxFileSize > Int(Int32.max) { throw ValidationError("--max-file-size must be between 1 and \(Int32.max)") }
        if maxNodes < 1 || maxNodes > YAMLLimits.highestNodeLimit { throw ValidationError("--max-nodes must be between 1 and \(YAMLLimits.highestNodeLimit)") }
        if maxDepth < 1 { throw ValidationError("--max-depth must be at least 1") }
        if maxScalarLength < 1 { throw ValidationError("--max-scalar-length must be at least 1") }
        if baseline != nil, writeBaseline != nil { throw ValidationError("use --baseline or --write-baseline, not both") }
        if from == nil, verbose || noMeshDefaults { throw ValidationError("--verbose and --no-mesh-defaults go with --from") }
    }

    func execute() -> Int32 {
        let configuration: Configuration
        switch loadConfiguration() {
        case .success(let loaded): configuration = loaded
        case .failure(let failure): return reportInvalid(failure.diagnostics)
        }
        var recorded: Baseline?
        if let baseline {
            switch FileInput.read(baseline).flatMap({ Baseline.load(SourceFile(name: baseline, bytes: $0)).mapError(\.first) }) {
            case .success(let loaded): recorded = loaded
            case .failure(let diagnostic): return reportInvalid([diagnostic])
            }
        }
        let limits = YAMLLimits(maxFileBytes: maxFileSize, maxExpandedNodes: maxNodes, maxDepth: maxDepth, maxScalarBytes: maxScalarLength)
        let timing = timings ? StageTimer.timing() : .none
        var sources: [SourceFile] = []
        var relocation: Relocation?
        let readStart = StageTimer.now()
        if let from {
            switch ImportInput.lintInput(from, paths: files, stdinName: stdinFilename,
                                         options: ImportOptions(meshDefaults: !noMeshDefaults, limits: limits), verbose: verbose) {
            case .success(let imported): (sources, relocation) = imported
            case .failure(let failure): return reportInvalid(failure.diagnostics)
            }
        } else {
            switch FileInput.gather(files, stdinName: stdinFilename, maxBytes: maxFileSize) {
            case .success(let gathered): sources = gathered
            case .failure(let failure): return reportInvalid(failure.diagnostics)
            }
        }
        timing.record?(from == nil ? "read" : "read and import", StageTimer.now() - readStart)
        let linter = Linter(configuration: configuration, limits: limits,
                            failOn: failOn, baseline: recorded)
        let report: Report
        switch linter.run(consume sources, timing: timing, relocation: relocation) {
        case .success(let value): report = value
        case .failure(let failure): return reportInvalid(failure.diagnostics)
        }

        let useColor = output == nil && format == .text && FileInput.stdoutIsTerminal && !FileInput.noColorRequested
        let writeReport = { (sink: OutputSink) in
            timing.measure("report") {
                format.write(report, color: useColor, to: sink)
                sink.flush()
            }
        }
        if let output {
            if let problem = FileInput.writeAtomically(to: output, writeReport) {
                printError("faultline: error: cannot write '\(output)': \(problem)")
                return ExitStatus.invalidInput
            }
        } else {
            writeReport(OutputSink(descriptor: STDOUT_FILENO))
        }
        if timings { StageTimer.print() }
        if let writeBaseline {
            let recording = Baseline(recording: report.findings)
            if let problem = FileInput.writeAtomically(to: writeBaseline, { $0.write(recording.rendered()); $0.flush() }) {
                printError("faultline: error: cannot write '\(writeBaseline)': \(problem)")
                return ExitStatus.invalidInput
            }
            let count = recording.entries.reduce(0) { $0 + $1.count }
            printError("faultline: recorded \(count) finding\(count == 1 ? "" : "s") in \(writeBaseline); lint with --baseline \(writeBaseline) to fail only on new ones")
            return ExitStatus.clean
        }
        // Exit here, with the report still alive: freeing a quarter of a million
        // findings one by one would only delay the exit status.
        let status = report.fails ? ExitStatus.findings : ExitStatus.clean
        withExtendedLifetime(report) { Glibc.exit(status) }
    }

    private func loadConfiguration() -> Result<Configuration, LoadFailure> {
        let path: String
        if let config {
            path = config
        } else if FileInput.exists(ConfigurationLoader.fileName) {
            path = ConfigurationLoader.fileName
        } else {
            return .success(.default)
        }
        switch FileInput.read(path) {
        case .success(let bytes): return ConfigurationLoader.load(SourceFile(name: path, bytes: bytes))
        case .failure(let diagnostic): return .failure(LoadFailure(diagnostics: [diagnostic]))
        }
    }

    private func reportInvalid(_ diagnostics: [Diagnostic]) -> Int32 {
        printError(diagnostics.map(\.description).joined(separator: "\n"))
        let count = diagnostics.count
        printError("faultline: \(count) problem\(count == 1 ? "" : "s") in the input; nothing was analysed")
        return ExitStatus.invalidInput
    }
}

extension LoadFailure {
    /// The first problem, for places that report one diagnostic per file.
    var first: Diagnostic {
        diagnostics.first ?? Diagnostic("invalid input", at: SourceLocation(file: "-", line: 1, column: 1))
    }
}

/// Collects stage durations for `--timings` and prints them in order.
enum StageTimer {
    nonisolated(unsafe) private static var stages: [(String, UInt64, Int)] = []
    /// When the timer was made, at the start of the lint: the wall time
    /// since then, less the stages, is the time spent between them.
    nonisolated(unsafe) private static var started: UInt64 = 0

    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    static func timing() -> Timing {
        started = now()
        return Timing(clock: { now() }, record: { stage, nanoseconds in stages.append((stage, nanoseconds, residentKiB())) })
    }

    /// The process's resident memory now, in KiB (Linux; 0 elsewhere): what
    /// a stage leaves behind, which the peak alone would hide.
    private static func residentKiB() -> Int {
        guard let file = fopen("/proc/self/statm", "r") else { return 0 }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 128)
        guard fgets(&line, Int32(line.count), file) != nil else { return 0 }
        let fields = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self).split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
    }

    /// The process's peak resident memory so far, in KiB.
    private static func peakKiB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss
    }

    static func print() {
        // A rule's time is part of the rules stage, not a stage of its own.
        let total = stages.filter { !$0.0.hasPrefix("rule ") }.reduce(0) { $0 + $1.1 }
        let peak = peakKiB()
        let elapsed = now() - started
        let between = elapsed > total ? elapsed - total : 0
        var out = "faultline timings (ms; resident memory at the end of the stage, MiB):\n"
        for (stage, nanoseconds, peak) in stages {
            let indent = stage.hasPrefix("rule ") ? "    " : ""
            // A rule's own line has no memory figure: the rules run side by side.
            let memory = stage.hasPrefix("rule ") ? "     " : String(repeating: " ", count: max(0, 5 - String(peak / 1024).count)) + String(peak / 1024)
            out += "  " + String(format3(Double(nanoseconds) / 1_000_000)) + "  \(memory)  \(indent)\(stage)\n"
        }
        // Freeing, joining threads, starting the next stage: none of them
        // is a stage, and all of them are waited for.
        out += "  " + format3(Double(between) / 1_000_000) + "         between the stages\n"
        out += "  " + format3(Double(total) / 1_000_000) + "  \(String(repeating: " ", count: max(0, 5 - String(peak / 1024).count)))\(peak / 1024)  total of the stages; peak memory\n"
        printError(out)
    }

    private static func format3(_ value: Double) -> String {
        let thousandths = Int((value * 1000).rounded())
        let text = "\(thousandths / 1000).\(String(repeating: "0", count: 3 - String(thousandths % 1000).count))\(thousandths % 1000)"
        return String(repeating: " ", count: max(0, 10 - text.count)) + text
    }
}
