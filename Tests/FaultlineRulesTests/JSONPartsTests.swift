@testable import FaultlineReport
import FaultlineModel
import FaultlineRules
import FaultlineYAML
import FaultlineTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The JSON report renders its findings in parts, side by side: however the
/// findings are cut into parts, the bytes are the same.
@Suite("JSON report in parts")
struct JSONPartsTests {
    static func report(findings count: Int) throws -> Report {
        let topology = try #require(try? TopologyLoader.load([SourceFile(name: "t.yaml", text: """
        faultline: 1
        services:
          a: {}
        """)]).get())
        let findings = (0..<count).map { index in
            Finding(rule: "missing-timeout", severity: index % 3 == 0 ? .error : .warning,
                    message: "finding \(index) says \"quoted\" and \\ back — ok", service: "a",
                    target: index % 2 == 0 ? "b" : nil, path: index % 5 == 0 ? ["a", "b"] : nil,
                    location: SourceLocation(file: "t.yaml", line: index + 1, column: 3))
        }
        return Report(topology: topology, findings: findings)
    }

    @Test("parts of any size give the same bytes", arguments: [0, 1, 5, 4_097])
    func sameBytes(_ count: Int) throws {
        let report = try Self.report(findings: count)
        let whole = JSONReporter(partSize: max(count, 1)).render(report)
        for size in [1, 2, 3, 7, 1_000, 2_048] {
            #expect(JSONReporter(partSize: size).render(report) == whole, "part size \(size)")
        }
        #expect(JSONReporter().render(report) == whole)
        #expect(whole.hasSuffix("}\n"))
        if count == 0 { #expect(whole.contains("\"findings\": []\n")) }
    }

    /// A core that stalls on a part must not let a later part take that
    /// part's buffer first: the parts handed out after it, on the other core,
    /// come round to the same buffer long before the stalled one renders.
    @Test("a part whose core stalls keeps its place", arguments: [0, 3, 9])
    func stalledPart(_ stalled: Int) throws {
        let report = try Self.report(findings: 60)
        func rendered(partSize: Int, stallingOn line: Int?) -> String {
            let sink = OutputSink()
            // Laid out as the JSON report lays out its findings array.
            var json = JSONWriter()
            json.beginObject()
            json.key("findings")
            json.beginArray()
            FindingItems(partSize: partSize).write(report.findings, insideArrayAtDepth: 2, of: &json, to: sink) { finding, json in
                if finding.location.line == line { usleep(100_000) }
                JSONReporter.write(finding, to: &json)
            }
            json.endArray()
            json.endObject()
            json.drain(into: sink)
            sink.flush()
            return sink.text
        }
        // Parts of 2 findings: 30 parts through a ring of 8 buffers.
        let stalledLine = stalled * 2 + 1
        #expect(rendered(partSize: 2, stallingOn: stalledLine) == rendered(partSize: 60, stallingOn: nil))
    }

    @Test("SARIF results rendered in parts of any size give the same bytes", arguments: [0, 5, 4_097])
    func sarifSameBytes(_ count: Int) throws {
        let report = try Self.report(findings: count)
        let whole = SARIFReporter(partSize: max(count, 1)).render(report)
        for size in [1, 3, 2_048] {
            #expect(SARIFReporter(partSize: size).render(report) == whole, "part size \(size)")
        }
        #expect(SARIFReporter().render(report) == whole)
        #expect(whole.contains("\"results\": [") && whole.hasSuffix("}\n"))
    }

    /// Parts past `OutputSink.writtenDirectly` skip the sink's buffer: they
    /// must still land after what was buffered before them, in order.
    @Test("a report written to a file is the rendered report, byte for byte", arguments: [3, 4_097])
    func writtenToFile(_ count: Int) throws {
        let report = try Self.report(findings: count)
        let expected = JSONReporter().render(report)
        let path = "/tmp/faultline-sink-\(getpid())-\(count).json"
        defer { unlink(path) }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try #require(descriptor >= 0)
        let sink = OutputSink(descriptor: descriptor)
        // Parts of 2 048 findings are far past the direct-write size; a small part size keeps some below it.
        JSONReporter().write(report, to: sink)
        sink.write("tail, buffered\n")
        JSONReporter(partSize: 7).write(report, to: sink)
        sink.flush()
        close(descriptor)
        #expect(sink.failure == nil)
        let written = String(decoding: try readFileBytes(path), as: UTF8.self)
        #expect(written == expected + "tail, buffered\n" + expected)
        if count > 1_000 { #expect(expected.utf8.count / 2 > OutputSink.writtenDirectly) }
    }
}

/// JUnit's XML escaping, on bytes.
@Suite("JUnit escaping")
struct JUnitEscapingTests {
    @Test("attributes escape markup, quotes and whitespace; text keeps tabs and newlines", arguments: [
        ("plain × — text", true, "plain × — text"),
        ("a & b < c > d \"e\" 'f'", true, "a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;"),
        ("a & b \"e\" 'f'", false, "a &amp; b \"e\" 'f'"),
        ("tab\tnew\nret\r", true, "tab&#9;new&#10;ret&#13;"),
        ("tab\tnew\nret\r", false, "tab\tnew\nret&#13;"),
        ("nul\u{0}bell\u{7}", true, "nul\u{FFFD}bell\u{FFFD}"),
        ("x\u{FFFE}y\u{FFFF}z\u{FFFD}\u{FEFF}", true, "x\u{FFFD}y\u{FFFD}z\u{FFFD}\u{FEFF}"),
        ("", true, ""),
    ])
    func escaping(_ text: String, _ attribute: Bool, _ expected: String) {
        #expect(JUnitReporter.escape(text, attribute: attribute) == expected)
    }

    /// Long texts go through the sixteen-bytes-at-a-time check first: the
    /// same escapes wherever in a long text the character sits.
    @Test("a character to escape is found at any place in a long text", arguments: [true, false])
    func escapingAtEveryPlace(_ attribute: Bool) {
        let specials: [(String, String)] = [
            ("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;"), ("\u{1}", "\u{FFFD}"), ("\u{FFFF}", "\u{FFFD}"),
            ("\"", attribute ? "&quot;" : "\""), ("'", attribute ? "&apos;" : "'"), ("\n", attribute ? "&#10;" : "\n"),
            ("\u{FEFF}", "\u{FEFF}"),
        ]
        for length in [15, 16, 17, 31, 33, 64] {
            for place in 0..<length {
                for (special, escaped) in specials {
                    let before = String(repeating: "a", count: place), after = String(repeating: "b", count: length - place)
                    #expect(JUnitReporter.escape(before + special + after, attribute: attribute) == before + escaped + after)
                }
            }
            #expect(JUnitReporter.escape(String(repeating: "é", count: length), attribute: attribute) == String(repeating: "é", count: length))
        }
    }
}

@Suite("JSON string escaping check")
struct JSONEscapingCheckTests {
    static func needsEscapingByDefinition(_ bytes: [UInt8]) -> Bool {
        bytes.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F }
    }

    /// Every byte value at every position of strings of every length the
    /// check treats differently: bytewise under 8, two words under 16,
    /// runs of four blocks of 16, then single blocks, then an overlapping
    /// last block.
    @Test("the fast check agrees with the definition for every byte at every place",
          arguments: [1, 7, 8, 9, 12, 15, 16, 17, 24, 31, 32, 33, 41, 63, 64, 65, 79, 80, 100, 128, 143])
    func everyByteEverywhere(length: Int) {
        for position in 0..<length {
            for value in 0...255 {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                bytes[position] = UInt8(value)
                let checked = bytes.withUnsafeBufferPointer { JSONWriter.needsEscaping($0) }
                #expect(checked == Self.needsEscapingByDefinition(bytes), "byte \(value) at \(position) of \(length)")
            }
        }
    }

    @Test("short and empty strings", arguments: ["", "a", "\"", "abc\\", "fifteen bytes..", "sixteen bytes..."])
    func shortStrings(text: String) {
        let bytes = Array(text.utf8)
        #expect(bytes.withUnsafeBufferPointer { JSONWriter.needsEscaping($0) } == Self.needsEscapingByDefinition(bytes))
    }
}
