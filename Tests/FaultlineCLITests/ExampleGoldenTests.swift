import Foundation
import Testing

/// The bundled examples, end to end through the binary, against golden files
/// in `examples/expected/`.
@Suite("bundled examples")
struct ExampleGoldenTests {
    static let valid = CLI.exampleFiles(in: "examples")
    static let invalid = CLI.exampleFiles(in: "examples/invalid")

    static func expectedName(_ path: String) -> String {
        String(path.split(separator: "/").last ?? "").replacingOccurrences(of: ".yaml", with: "")
    }

    @Test func thereAreAtLeastThreeExamplesOneOfThemClean() throws {
        #expect(Self.valid.count >= 3)
        let clean = try CLI.run(["lint", "examples/online-shop.yaml"])
        #expect(clean.status == 0)
        #expect(clean.stdout.contains("no findings"))
        #expect(clean.stderr.isEmpty)
    }

    @Test("JSON report", arguments: valid)
    func json(_ path: String) throws {
        let result = try CLI.run(["lint", "--format", "json", path])
        #expect(result.stderr.isEmpty)
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let summary = try #require(report?["summary"] as? [String: Any])
        let errors = summary["error"] as? Int ?? -1
        #expect(result.status == (errors > 0 ? 1 : 0), "exit status follows --fail-on error")
        try CLI.expectGolden(result.stdout, "examples/expected/\(Self.expectedName(path)).json")
    }

    @Test("text report", arguments: valid)
    func text(_ path: String) throws {
        let result = try CLI.run(["lint", path])
        #expect(!result.stdout.contains("\u{1B}["), "no color when stdout is not a terminal")
        try CLI.expectGolden(result.stdout, "examples/expected/\(Self.expectedName(path)).txt")
    }

    @Test("invalid input: every problem, positioned, exit 2", arguments: invalid)
    func invalidInput(_ path: String) throws {
        let result = try CLI.run(["lint", path])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty, "nothing is reported as clean")
        // The file's first line says where the first error must be: `# expect L:C: ...`.
        let source = try CLI.readText(CLI.packageRoot + "/" + path)
        let header = source.split(separator: "\n").first.map(String.init) ?? ""
        let parts = header.dropFirst("# expect ".count).split(separator: ":", maxSplits: 2)
        try #require(header.hasPrefix("# expect ") && parts.count >= 2, "\(path) must start with '# expect L:C: ...'")
        let position = "\(parts[0]):\(parts[1])"
        #expect(result.stderr.hasPrefix("\(path):\(position): error: "), "first error: \(result.stderr.split(separator: "\n").first ?? "")")
        try CLI.expectGolden(result.stderr, "examples/expected/invalid/\(Self.expectedName(path)).stderr")
    }

    @Test func manyErrorsAreReportedAtOnce() throws {
        let result = try CLI.run(["lint", "examples/invalid/many-errors.yaml"])
        #expect(result.status == 2)
        let errorLines = result.stderr.split(separator: "\n").filter { $0.contains(": error: ") }
        #expect(errorLines.count >= 4)
    }

    @Test("the same input prints the same bytes", arguments: ["json", "text"])
    func deterministic(_ format: String) throws {
        let first = try CLI.run(["lint", "--format", format, "examples/payments-platform.yaml"])
        let second = try CLI.run(["lint", "--format", format, "examples/payments-platform.yaml"])
        #expect(first.stdout == second.stdout)
        #expect(!first.stdout.isEmpty)
    }
}
