@testable import FaultlineReport
import FaultlineModel
import FaultlineRules
import FaultlineYAML
import Testing

/// The text report's lines, byte for byte, with and without color: the lines
/// are put together from bytes, and nothing else pins the escapes.
@Suite("Text report")
struct TextReportTests {
    static func report() throws -> Report {
        let topology = try #require(try? TopologyLoader.load([SourceFile(name: "a.yaml", text: "faultline: 1\nservices:\n  a: {}\n")]).get())
        let findings = [
            Finding(rule: "missing-timeout", severity: .warning, message: "a calls b — no timeout × 2", service: "a",
                    location: SourceLocation(file: "a.yaml", line: 3, column: 5)),
            Finding(rule: "missing-dlq", severity: .error, message: "orders has no DLQ", channel: "orders",
                    location: SourceLocation(file: "a.yaml", line: 12, column: 3)),
            Finding(rule: "hub-service", severity: .note, message: "b is a hub", service: "b",
                    location: SourceLocation(file: "b.yaml", line: 1, column: 1)),
        ]
        return Report(topology: topology, findings: findings)
    }

    @Test("plain lines, grouped by file, then the summary")
    func plain() throws {
        let text = TextReporter(color: false).render(try Self.report())
        #expect(text == """
        a.yaml:3:5: warning: a calls b — no timeout × 2 [missing-timeout]
        a.yaml:12:3: error: orders has no DLQ [missing-dlq]

        b.yaml:1:1: note: b is a hub [hub-service]

        1 error, 1 warning, 1 note in 1 file (1 service, 0 sync calls, 0 channels)

        """)
    }

    @Test("colored: bold position, severity in its color, dim rule id")
    func colored() throws {
        let text = TextReporter(color: true).render(try Self.report())
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "\u{1B}[1ma.yaml:3:5:\u{1B}[0m \u{1B}[1;33mwarning:\u{1B}[0m a calls b — no timeout × 2 \u{1B}[2m[missing-timeout]\u{1B}[0m")
        #expect(lines[1] == "\u{1B}[1ma.yaml:12:3:\u{1B}[0m \u{1B}[1;31merror:\u{1B}[0m orders has no DLQ \u{1B}[2m[missing-dlq]\u{1B}[0m")
        #expect(lines[3] == "\u{1B}[1mb.yaml:1:1:\u{1B}[0m \u{1B}[1;36mnote:\u{1B}[0m b is a hub \u{1B}[2m[hub-service]\u{1B}[0m")
    }
}

/// Markdown rows are put together from bytes when a cell needs no escaping,
/// and through `code` and `inline` when it does: both give the same cells.
@Suite("Markdown rows")
struct MarkdownRowTests {
    @Test("each row is severity, rule link, location as code, message as inline text", arguments: [
        ("plain.yaml", "a calls b — no timeout × 2"),
        ("dir|with`tick.yaml", "a *bold* [link] <tag> `code` | pipe\nnext line"),
        ("plain.yaml", "back\\slash and a\r\nbreak"),
    ])
    func rows(_ file: String, _ message: String) throws {
        let topology = try #require(try? TopologyLoader.load([SourceFile(name: "t.yaml", text: "faultline: 1\nservices:\n  a: {}\n")]).get())
        let finding = Finding(rule: "missing-timeout", severity: .warning, message: message, service: "a",
                              location: SourceLocation(file: file, line: 7, column: 9))
        let text = MarkdownReporter().render(Report(topology: topology, findings: [finding, finding]))
        let row = "| warning | \(MarkdownReporter.ruleLink("missing-timeout")) | \(MarkdownReporter.code("\(file):7:9")) | \(MarkdownReporter.inline(message)) |\n"
        #expect(text.contains("|---|---|---|---|\n" + row + row))
    }
}
