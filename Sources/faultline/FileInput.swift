import FaultlineYAML
import FaultlineModel
import FaultlineReport

import Glibc

/// File and terminal access, with errors that point at the file.
enum FileInput {
    /// The bytes of a file; a file over `maxBytes` is not read beyond the limit
    /// (the parser then reports the limit), so a huge file cannot exhaust memory.
    static func read(_ path: String, maxBytes: Int = Int.max) -> Result<[UInt8], Diagnostic> {
        let start = SourceLocation(file: path, line: 1, column: 1)
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            return .failure(Diagnostic("cannot read the file: \(String(cString: strerror(errno)))", at: start))
        }
        defer { close(descriptor) }
        return readDescriptor(descriptor, name: path, maxBytes: maxBytes)
    }

    /// From this size on, a regular file is mapped rather than read (see `MappedFile`).
    static let mapFrom = 1 << 20

    /// A topology source: a large regular file mapped, anything else read.
    static func source(_ path: String, maxBytes: Int = Int.max) -> Result<SourceFile, Diagnostic> {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            return .failure(Diagnostic("cannot read the file: \(String(cString: strerror(errno)))", at: SourceLocation(file: path, line: 1, column: 1)))
        }
        defer { close(descriptor) }
        var status = stat()
        if fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, Int(status.st_size) >= mapFrom,
           // One byte past the limit is enough for the parser to report it.
           let mapped = MappedFile.map(descriptor, count: min(Int(status.st_size), maxBytes == Int.max ? Int.max : maxBytes + 1)) {
            return .success(SourceFile(name: path, mapped: mapped))
        }
        return readDescriptor(descriptor, name: path, maxBytes: maxBytes).map { SourceFile(name: path, bytes: $0) }
    }

    static func readDescriptor(_ descriptor: Int32, name path: String, maxBytes: Int = Int.max) -> Result<[UInt8], Diagnostic> {
        let start = SourceLocation(file: path, line: 1, column: 1)
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            return .failure(Diagnostic("cannot read the file: \(String(cString: strerror(errno)))", at: start))
        }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            return .failure(Diagnostic("is a directory", at: start))
        }
        // One byte past the limit is enough for the parser to report it.
        let cap = maxBytes == Int.max ? Int.max : maxBytes + 1
        // Read straight into the array's storage, sized from the file's
        // length; a file that grows while it is read, or a pipe, continues
        // into a larger array.
        var bytes = [UInt8]()
        var capacity = max(Int(status.st_size), 0) + 1
        if capacity == 1 { capacity = 1 << 16 }  // a pipe or a special file: its length is not known
        while true {
            var failure: Int32?
            var reachedEnd = false
            let previous = bytes
            bytes = [UInt8](unsafeUninitializedCapacity: min(capacity, cap)) { buffer, initialized in
                guard let base = buffer.baseAddress else { return }
                previous.withUnsafeBufferPointer { source in
                    if let from = source.baseAddress { base.initialize(from: from, count: source.count) }
                }
                initialized = previous.count
                while initialized < buffer.count {
                    let count = Glibc.read(descriptor, base + initialized, buffer.count - initialized)
                    if count < 0 {
                        if errno == EINTR { continue }
                        failure = errno
                        return
                    }
                    if count == 0 { reachedEnd = true; return }
                    initialized += count
                }
            }
            if let failure {
                return .failure(Diagnostic("cannot read the file: \(String(cString: strerror(failure)))", at: start))
            }
            if reachedEnd || bytes.count >= cap { break }
            capacity = bytes.count * 2
        }
        return .success(bytes)
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }

    /// The topology sources the arguments name: files, '-' for standard input,
    /// and directories, each standing for its *.yaml and *.yml files (not
    /// hidden ones, not recursively), in name order.
    static func gather(_ arguments: [String], stdinName: String, maxBytes: Int = Int.max) -> Result<[SourceFile], LoadFailure> {
        var sources: [SourceFile] = []
        var problems: [Diagnostic] = []
        for argument in arguments {
            if argument == "-" {
                switch readDescriptor(STDIN_FILENO, name: stdinName, maxBytes: maxBytes) {
                case .success(let bytes): sources.append(SourceFile(name: stdinName, bytes: bytes))
                case .failure(let diagnostic): problems.append(diagnostic)
                }
                continue
            }
            var paths = [argument]
            if isDirectory(argument) {
                paths = topologyFiles(in: argument)
                if paths.isEmpty {
                    problems.append(Diagnostic("this directory holds no .yaml or .yml file", at: SourceLocation(file: argument, line: 1, column: 1)))
                }
            }
            for path in paths {
                switch source(path, maxBytes: maxBytes) {
                case .success(let file): sources.append(file)
                case .failure(let diagnostic): problems.append(diagnostic)
                }
            }
        }
        return problems.isEmpty ? .success(sources) : .failure(LoadFailure(diagnostics: problems))
    }

    static func topologyFiles(in directory: String) -> [String] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            guard !name.hasPrefix("."), name.hasSuffix(".yaml") || name.hasSuffix(".yml") else { continue }
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            if !isDirectory(path) { names.append(path) }
        }
        return names.sorted()
    }

    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) != 0 }

    /// https://no-color.org: any non-empty value turns color off.
    static var noColorRequested: Bool {
        guard let value = getenv("NO_COLOR") else { return false }
        return value.pointee != 0
    }

    static func writeStandardOutput(_ text: String) { write(text, to: STDOUT_FILENO) }

    static func write(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, base + offset, buffer.count - offset)
                if written < 0 { if errno == EINTR { continue }; return }
                offset += written
            }
        }
    }

    /// Writes to a temporary file beside the target and renames it into place,
    /// so a failed or killed run never leaves a half-written report. Returns a
    /// problem description, or nil on success.
    static func writeAtomically(to path: String, _ body: (OutputSink) -> Void) -> String? {
        let temporary = "\(path).tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { return String(cString: strerror(errno)) }
        let sink = OutputSink(descriptor: descriptor)
        body(sink)
        sink.flush()
        let closed = close(descriptor) == 0
        guard sink.failure == nil, closed else {
            let problem = sink.failure ?? String(cString: strerror(errno))
            unlink(temporary)
            return problem
        }
        guard rename(temporary, path) == 0 else {
            let problem = String(cString: strerror(errno))
            unlink(temporary)
            return problem
        }
        return nil
    }
}
