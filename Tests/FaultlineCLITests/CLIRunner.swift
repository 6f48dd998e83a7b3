import FaultlineTestSupport
import Foundation
import Testing

/// Runs the built `faultline` binary the way a user or CI would.
struct CLIResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

enum CLI {
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() } // Tests/FaultlineCLITests/CLIRunner.swift
        return url.path
    }()

    /// The binary beside the test bundle (both are products of the same build),
    /// or `FAULTLINE_BINARY` when set.
    static let binary: String = {
        if let override = ProcessInfo.processInfo.environment["FAULTLINE_BINARY"] { return override }
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        // On Linux the test runner is `<products>/faultlinePackageTests.xctest`; on macOS it sits inside a bundle.
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("faultline").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return packageRoot + "/.build/debug/faultline"
    }()

    static func run(_ arguments: [String], in directory: String = packageRoot, environment extra: [String: String] = [:],
                    stdin: String? = nil) throws -> CLIResult {
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = nil
        for (key, value) in extra { environment[key] = value }
        return try execute(binary, arguments, in: directory, environment: environment, stdin: stdin)
    }

    /// Runs any program to completion and collects its exit status and output.
    static func execute(_ executable: String, _ arguments: [String], in directory: String? = nil,
                        environment: [String: String]? = nil, stdin: String? = nil) throws -> CLIResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if let environment { process.environment = environment }
        // Files rather than pipes: large outputs cannot deadlock the child.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("stdout"), err = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: out), errHandle = try FileHandle(forWritingTo: err)
        process.standardOutput = outHandle
        process.standardError = errHandle
        if let stdin {
            let input = scratch.appendingPathComponent("stdin")
            try Data(stdin.utf8).write(to: input)
            process.standardInput = try FileHandle(forReadingFrom: input)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        return CLIResult(status: process.terminationStatus,
                         stdout: try readText(out.path),
                         stderr: try readText(err.path))
    }

    static func readText(_ path: String) throws -> String { String(decoding: try readFileBytes(path), as: UTF8.self) }

    static var recording: Bool { ProcessInfo.processInfo.environment["FAULTLINE_RECORD"] == "1" }

    /// Compares with a golden file; `FAULTLINE_RECORD=1` rewrites it instead.
    /// A mismatch never rewrites anything.
    static func expectGolden(_ actual: String, _ relativePath: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = URL(fileURLWithPath: packageRoot).appendingPathComponent(relativePath)
        if recording {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: url)
            return
        }
        let expected = try? readText(url.path)
        #expect(expected != nil, "missing golden file \(relativePath); run FAULTLINE_RECORD=1 swift test", sourceLocation: sourceLocation)
        guard let expected else { return }
        if actual != expected {
            let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let firstDifference = zip(actualLines, expectedLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                ?? min(actualLines.count, expectedLines.count)
            let got = firstDifference < actualLines.count ? String(actualLines[firstDifference]) : "<end>"
            let want = firstDifference < expectedLines.count ? String(expectedLines[firstDifference]) : "<end>"
            Issue.record("\(relativePath) differs at line \(firstDifference + 1):\n  expected: \(want)\n  actual:   \(got)\n(FAULTLINE_RECORD=1 swift test re-records after review)", sourceLocation: sourceLocation)
        }
    }

    static func exampleFiles(in folder: String) -> [String] {
        let directory = packageRoot + "/" + folder
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map { "\(folder)/\($0)" }
    }
}
