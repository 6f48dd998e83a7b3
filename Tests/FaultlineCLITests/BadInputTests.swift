import FaultlineTestSupport
import Foundation
import Testing

/// Hostile and broken input, end to end through the binary: every case gets
/// its expected first line and exit status — never a crash, a hang or a
/// silent pass. Each file in `BadInput/` has a `.expected` beside it: `exit N`,
/// then the first line of standard error (exit 2) or standard output.
@Suite("bad input")
struct BadInputTests {
    static let folder = "Tests/FaultlineCLITests/BadInput"

    static var cases: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: CLI.packageRoot + "/" + folder)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }

    @Test("corpus case", arguments: cases)
    func corpusCase(_ name: String) throws {
        let directory = CLI.packageRoot + "/" + Self.folder
        let expected = try CLI.readText(directory + "/" + name.replacingOccurrences(of: ".yaml", with: ".expected"))
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        try #require(expected.count >= 2 && expected[0].hasPrefix("exit "), "\(name): .expected must be 'exit N' then the first line")
        let status = Int32(expected[0].dropFirst(5)) ?? -1
        let result = try CLI.run(["lint", name], in: directory)
        #expect(result.status == status, "\(result.stderr)")
        let output = status == 2 ? result.stderr : result.stdout
        #expect(output.split(separator: "\n").first.map(String.init) == expected[1])
        if status == 2 { #expect(result.stdout.isEmpty, "nothing is reported as clean") }
        #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("crashed"))
    }

    @Test func theCorpusCoversTheListedCases() {
        let required = ["empty", "only-comments", "top-level-scalar", "top-level-list", "two-documents", "invalid-utf8",
                        "bom", "nul-byte", "crlf", "cr-only", "tab-indentation", "unclosed-quote", "unclosed-bracket",
                        "duplicate-key-top", "duplicate-key-services", "duplicate-key-service", "duplicate-key-call",
                        "duplicate-key-retry", "duplicate-key-consumer", "duplicate-key-channels", "duplicate-key-datastores",
                        "key-is-mapping", "key-is-list", "undefined-alias", "merge-scalar", "recursive-alias", "alias-bomb",
                        "wrong-types", "negative-duration", "huge-duration", "spaced-duration", "unit-only-duration",
                        "max-attempts-zero", "max-attempts-huge", "name-with-space", "name-with-slash",
                        "name-with-control-character", "binary"]
        let present = Set(Self.cases.map { $0.replacingOccurrences(of: ".yaml", with: "") })
        #expect(Set(required).subtracting(present).isEmpty)
    }

    @Test func everyWrongTypeIsReportedInOneRun() throws {
        let result = try CLI.run(["lint", "wrong-types.yaml"], in: CLI.packageRoot + "/" + Self.folder)
        #expect(result.status == 2)
        #expect(result.stderr.split(separator: "\n").filter { $0.contains(": error: ") }.count == 26)
    }

    // Large cases are generated here rather than committed.

    func scratch() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-bad-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func nestingAHundredThousandLevelsDeepFailsAtTheDepthLimit() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let text = "faultline: 1\nservices:\n  a:\n    x-deep: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/deep.yaml"))
        let result = try CLI.run(["lint", "deep.yaml"], in: directory)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("deep.yaml:4:"))
        #expect(result.stderr.contains("nesting deeper than 256 levels (the depth limit; raise it with --max-depth)"))
        let raised = try CLI.run(["lint", "--max-depth", "300", "deep.yaml"], in: directory)
        #expect(raised.stderr.contains("nesting deeper than 300 levels"))
    }

    @Test func aHundredMegabyteScalarFailsAtTheScalarLimit() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var bytes = Array("faultline: 1\nservices:\n  a:\n    owner: ".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "x"), count: 100 << 20)
        bytes += Array("\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: directory + "/huge.yaml"))
        let result = try CLI.run(["lint", "huge.yaml"], in: directory)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("huge.yaml:4:12: error: this value is 100 MiB long, more than the scalar length limit of 1 MiB (raise it with --max-scalar-length)"))
        let small = try CLI.run(["lint", "--max-file-size", "1048576", "huge.yaml"], in: directory)
        #expect(small.stderr.hasPrefix("huge.yaml:1:1: error: the file is larger than the file size limit of 1 MiB (raise it with --max-file-size)"))
    }

    @Test func aMillionServicesWithNoCallsIsLinted() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var text = "faultline: 1\nservices:\n"
        text.reserveCapacity(14_000_000)
        for index in 0..<1_000_000 { text += "  s\(index): {}\n" }
        try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/million.yaml"))
        try Data("rules:\n  missing-tracing: off\n".utf8).write(to: URL(fileURLWithPath: directory + "/.faultline.yml"))
        let result = try CLI.run(["lint", "million.yaml"], in: directory)
        #expect(result.status == 0, "\(result.stderr.prefix(500))")
        #expect(result.stdout.contains("no findings in 1 file (1000000 services, 0 sync calls, 0 channels)"))
    }

    @Test func theNodeLimitNamesItsFlag() throws {
        let directory = CLI.packageRoot + "/" + Self.folder
        let result = try CLI.run(["lint", "--max-nodes", "5", "crlf.yaml"], in: directory)
        #expect(result.status == 2)
        #expect(result.stderr.contains("more than 5 nodes through aliases (the node limit guards against alias bombs; raise it with --max-nodes)"))
    }

    @Test func filesThatCannotBeReadAreErrorsNotCrashes() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createSymbolicLink(atPath: directory + "/loop.yaml", withDestinationPath: directory + "/loop.yaml")
        try FileManager.default.createDirectory(atPath: directory + "/empty-dir", withIntermediateDirectories: true)
        let loop = try CLI.run(["lint", "loop.yaml"], in: directory)
        #expect(loop.status == 2)
        #expect(loop.stderr.hasPrefix("loop.yaml:1:1: error: cannot read the file: Too many levels of symbolic links"))
        let missing = try CLI.run(["lint", "absent.yaml"], in: directory)
        #expect(missing.stderr.hasPrefix("absent.yaml:1:1: error: cannot read the file: No such file or directory"))
        let emptyDirectory = try CLI.run(["lint", "empty-dir"], in: directory)
        #expect(emptyDirectory.stderr.hasPrefix("empty-dir:1:1: error: this directory holds no .yaml or .yml file"))
        // Permission bits do not stop root, so the unreadable case only runs for other users.
        if getuid() != 0 {
            try Data("faultline: 1\n".utf8).write(to: URL(fileURLWithPath: directory + "/secret.yaml"))
            try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: directory + "/secret.yaml")
            let unreadable = try CLI.run(["lint", "secret.yaml"], in: directory)
            #expect(unreadable.stderr.hasPrefix("secret.yaml:1:1: error: cannot read the file: Permission denied"))
        }
    }

    @Test func aFailedRunLeavesThePreviousReportInPlace() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data("previous report\n".utf8).write(to: URL(fileURLWithPath: directory + "/report.json"))
        try Data("faultline: 1\nservices: {}\n".utf8).write(to: URL(fileURLWithPath: directory + "/bad.yaml"))
        let before = try readFileBytes(directory + "/bad.yaml")
        let result = try CLI.run(["lint", "--format", "json", "--output", "report.json", "bad.yaml"], in: directory)
        #expect(result.status == 2)
        #expect(try CLI.readText(directory + "/report.json") == "previous report\n")
        #expect(try readFileBytes(directory + "/bad.yaml") == before, "input files are never modified")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == ["bad.yaml", "report.json"])
    }
}
