import FaultlineModel
import FaultlineYAML
import FaultlineRules

/// JUnit XML, as GitLab, Jenkins and Azure DevOps read test reports: one
/// `<testsuite>` per input file, one `<testcase>` per rule that ran in it.
/// An active finding at or above `--fail-on` is a `<failure>` of its rule's
/// test case (several findings, several failures); active findings below the
/// threshold, suppressed and baselined ones are lines of its `<system-out>`,
/// visible without failing. `failures` counts `<failure>` elements, so the
/// total is the number of findings that fail the gate.
public struct JUnitReporter: Sendable {
    public init() {}

    /// The file by its number: names are compared once per file, not once per finding.
    private struct Key: Hashable {
        let file: UInt32
        let rule: String
    }

    private struct Case {
        let rule: String
        let failures: [Finding]
        let others: [Finding]
    }

    private struct Suite {
        let file: String
        let cases: [Case]
        var failureCount: Int { cases.reduce(0) { $0 + $1.failures.count } }
    }

    public func render(_ report: Report) -> String {
        let sink = OutputSink()
        write(report, to: sink)
        return sink.text
    }

    /// Streams the XML, put together from bytes: a large topology has
    /// hundreds of thousands of findings, and a `String` for each element
    /// held the whole report in memory (1.5 s and 331 MiB at 50 000 services).
    public func write(_ report: Report, to sink: OutputSink) {
        let suites = suites(of: report)
        let tests = suites.reduce(0) { $0 + $1.cases.count }
        let failures = suites.reduce(0) { $0 + $1.failureCount }
        var out = ByteBuffer(capacity: 80 * 1024)
        func text(_ piece: String) { out.append(utf8Of: piece) }
        text("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        text("<testsuites name=\"\(Tool.name)\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\">\n")
        for suite in suites {
            let file = Self.escape(suite.file)
            text("  <testsuite name=\"\(file)\" tests=\"\(suite.cases.count)\" failures=\"\(suite.failureCount)\" errors=\"0\" skipped=\"0\">\n")
            for testCase in suite.cases {
                text("    <testcase classname=\"\(file)\" name=\"\(Self.escape(testCase.rule))\"")
                if testCase.failures.isEmpty && testCase.others.isEmpty {
                    text("/>\n")
                    continue
                }
                text(">\n")
                for finding in testCase.failures {
                    text("      <failure type=\"\(finding.severity.rawValue)\" message=\"")
                    finding.withMessageBytes { Self.escape($0, attribute: true, into: &out) }
                    text("\">")
                    Self.writeLocation(finding.location, into: &out)
                    text(": ")
                    finding.withMessageBytes { Self.escape($0, attribute: false, into: &out) }
                    text("</failure>\n")
                    sink.drain(&out, atLeast: 64 * 1024)
                }
                if !testCase.others.isEmpty {
                    text("      <system-out>")
                    for (index, finding) in testCase.others.enumerated() {
                        if index > 0 { out.append(UInt8(ascii: "\n")) }
                        writeLine(for: finding, report: report, into: &out)
                        sink.drain(&out, atLeast: 64 * 1024)
                    }
                    text("</system-out>\n")
                }
                text("    </testcase>\n")
            }
            text("  </testsuite>\n")
        }
        text("</testsuites>\n")
        sink.drain(&out)
    }

    /// One suite per input file (then per other file a finding points at),
    /// one case per rule, with the findings that fail the gate and the others.
    private func suites(of report: Report) -> [Suite] {
        var grouped: [Key: [Finding]] = [:]
        let ruleIDs = report.rules.map(\.id)
        let knownRules = Set(ruleIDs)
        // Rules that are not in the list, per file: they get a test case after the others.
        var extraRulesByFile: [UInt32: Set<String>] = [:]
        for finding in report.findings {
            let file = finding.location.fileID, rule = finding.rule
            grouped[Key(file: file, rule: rule), default: []].append(finding)
            if !knownRules.contains(rule) { extraRulesByFile[file, default: []].insert(rule) }
        }
        let inputFiles = Set(report.files)
        // Findings are never lost: a file no input names (a configuration
        // file's ignore entry) gets a suite of its own.
        let inputIDs = Set(report.files.map { FileNames.shared.id(of: $0) })
        let extraFiles = Set(report.findings.lazy.map(\.location.fileID)).subtracting(inputIDs).map { FileNames.shared.name(of: $0) }.sorted()

        var suites: [Suite] = []
        var seenFiles = Set<String>()
        for file in report.files + extraFiles where seenFiles.insert(file).inserted {
            let id = FileNames.shared.id(of: file)
            let extraRules = (extraRulesByFile[id] ?? []).sorted()
            let rules = inputFiles.contains(file)
                ? ruleIDs + extraRules
                : ruleIDs.filter { grouped[Key(file: id, rule: $0)] != nil } + extraRules
            var cases: [Case] = []
            var seenRules = Set<String>()
            for rule in rules where seenRules.insert(rule).inserted {
                let findings = grouped[Key(file: id, rule: rule)] ?? []
                let failing = findings.filter { $0.isActive && report.failOn.fails($0.severity) }
                let others = findings.filter { !($0.isActive && report.failOn.fails($0.severity)) }
                cases.append(Case(rule: rule, failures: failing, others: others))
            }
            suites.append(Suite(file: file, cases: cases))
        }
        return suites
    }

    /// A finding that does not fail, and why, escaped as element text:
    /// "file:line:column: severity: message (why)".
    private func writeLine(for finding: Finding, report: Report, into out: inout ByteBuffer) {
        func text(_ piece: String) {
            var piece = piece
            piece.withUTF8 { Self.escape($0, attribute: false, into: &out) }
        }
        Self.writeLocation(finding.location, into: &out)
        out.append(": ")
        text(finding.severity.rawValue)
        out.append(": ")
        finding.withMessageBytes { Self.escape($0, attribute: false, into: &out) }
        out.append(" (")
        if let suppression = finding.suppression {
            let how = suppression.kind == .inline ? "suppressed inline" : "suppressed by the configuration"
            text("\(how) at \(suppression.location): \(suppression.reason)")
        } else if finding.baselineState == .unchanged {
            out.append("baselined: already in the baseline")
        } else {
            text("below --fail-on \(report.failOn.rawValue)")
        }
        out.append(UInt8(ascii: ")"))
    }

    /// `file:line:column` as element text (only the file can need escaping).
    private static func writeLocation(_ location: SourceLocation, into out: inout ByteBuffer) {
        location.withFileUTF8 { escape($0, attribute: false, into: &out) }
        out.appendLineAndColumn(of: location)
    }

    /// XML 1.0 escaping. In attributes, quotes and whitespace other than a
    /// space are escaped too (a parser would normalize a raw tab or newline
    /// to a space). Characters XML 1.0 does not allow at all (most C0
    /// controls, U+FFFE, U+FFFF) become U+FFFD.
    static func escape(_ text: String, attribute: Bool = true) -> String {
        var text = text
        var out = ByteBuffer(capacity: text.utf8.count + 16)
        text.withUTF8 { escape($0, attribute: attribute, into: &out) }
        return out.text
    }

    /// The same on UTF-8 bytes, into a buffer. Every character escaped is
    /// ASCII, or U+FFFE / U+FFFF (EF BF BE / EF BF BF), so the other bytes are
    /// copied as they are.
    static func escape(_ bytes: UnsafeBufferPointer<UInt8>, attribute: Bool, into out: inout ByteBuffer) {
        guard let base = bytes.baseAddress else { return }
        // Most text needs nothing: checked sixteen bytes at a time, and copied whole.
        if !needsEscaping(bytes, attribute: attribute) {
            out.append(bytes)
            return
        }
        let replacement: StaticString = "\u{FFFD}"
        // Runs of bytes that need nothing are copied whole.
        var runStart = 0, index = 0
        while index < bytes.count {
            let byte = base[index]
            let plain = byte >= 0x20 && byte != UInt8(ascii: "&") && byte != UInt8(ascii: "<") && byte != UInt8(ascii: ">")
                && byte != 0xEF && !(attribute && (byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")))
            if plain {
                index += 1
                continue
            }
            out.append(UnsafeBufferPointer(start: base + runStart, count: index - runStart))
            index += 1
            switch byte {
            case UInt8(ascii: "&"): out.append("&amp;")
            case UInt8(ascii: "<"): out.append("&lt;")
            case UInt8(ascii: ">"): out.append("&gt;")
            case UInt8(ascii: "\""): out.append("&quot;")
            case UInt8(ascii: "'"): out.append("&apos;")
            case 0x09 where attribute: out.append("&#9;")
            case 0x0A where attribute: out.append("&#10;")
            case 0x0D: out.append("&#13;")
            case 0x09, 0x0A: out.append(byte)
            case 0xEF where index + 1 < bytes.count && base[index] == 0xBF && (base[index + 1] == 0xBE || base[index + 1] == 0xBF):
                out.append(replacement)
                index += 2
            case 0xEF: out.append(byte)
            default: out.append(replacement)  // the other C0 controls
            }
            runStart = index
        }
        out.append(UnsafeBufferPointer(start: base + runStart, count: index - runStart))
    }

    /// Whether any byte is a control character, `&`, `<`, `>`, the lead byte
    /// of U+FFFE / U+FFFF (0xEF, which also starts other characters: the slow
    /// path looks closer), or, in an attribute, a quote.
    static func needsEscaping(_ bytes: UnsafeBufferPointer<UInt8>, attribute: Bool) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let raw = UnsafeRawPointer(base)
        let space = SIMD16<UInt8>(repeating: 0x20), ampersand = SIMD16<UInt8>(repeating: UInt8(ascii: "&"))
        let less = SIMD16<UInt8>(repeating: UInt8(ascii: "<")), greater = SIMD16<UInt8>(repeating: UInt8(ascii: ">"))
        let lead = SIMD16<UInt8>(repeating: 0xEF)
        let quote = SIMD16<UInt8>(repeating: attribute ? UInt8(ascii: "\"") : 0)
        let apostrophe = SIMD16<UInt8>(repeating: attribute ? UInt8(ascii: "'") : 0)
        var offset = 0
        while offset + 16 <= bytes.count {
            let lanes = raw.loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self)
            let flagged = (lanes .< space) .| (lanes .== ampersand) .| (lanes .== less) .| (lanes .== greater)
                .| (lanes .== lead) .| (lanes .== quote) .| (lanes .== apostrophe)
            let words = unsafeBitCast(flagged, to: SIMD2<UInt64>.self)
            if words[0] | words[1] != 0 { return true }
            offset += 16
        }
        for index in offset..<bytes.count {
            let byte = base[index]
            if byte < 0x20 || byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == 0xEF
                || (attribute && (byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'"))) { return true }
        }
        return false
    }
}
