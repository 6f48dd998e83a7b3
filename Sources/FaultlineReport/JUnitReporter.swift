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

    private struct Key: Hashable {
        let file: String
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
        var grouped: [Key: [Finding]] = [:]
        for finding in report.findings {
            grouped[Key(file: finding.location.file, rule: finding.rule), default: []].append(finding)
        }
        let ruleIDs = report.rules.map(\.id)
        let knownRules = Set(ruleIDs)
        let inputFiles = Set(report.files)
        // Findings are never lost: a file no input names (a configuration
        // file's ignore entry) gets a suite of its own, and a rule not in
        // the list gets a test case after the others.
        let extraFiles = Set(report.findings.map(\.location.file)).subtracting(inputFiles).sorted()

        var suites: [Suite] = []
        var seenFiles = Set<String>()
        for file in report.files + extraFiles where seenFiles.insert(file).inserted {
            let extraRules = Set(report.findings.lazy.filter { $0.location.file == file && !knownRules.contains($0.rule) }.map(\.rule)).sorted()
            let rules = inputFiles.contains(file)
                ? ruleIDs + extraRules
                : ruleIDs.filter { grouped[Key(file: file, rule: $0)] != nil } + extraRules
            var cases: [Case] = []
            var seenRules = Set<String>()
            for rule in rules where seenRules.insert(rule).inserted {
                let findings = grouped[Key(file: file, rule: rule)] ?? []
                let failing = findings.filter { $0.isActive && report.failOn.fails($0.severity) }
                let others = findings.filter { !($0.isActive && report.failOn.fails($0.severity)) }
                cases.append(Case(rule: rule, failures: failing, others: others))
            }
            suites.append(Suite(file: file, cases: cases))
        }

        let tests = suites.reduce(0) { $0 + $1.cases.count }
        let failures = suites.reduce(0) { $0 + $1.failureCount }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"\(Tool.name)\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\">\n"
        for suite in suites {
            let file = Self.escape(suite.file)
            out += "  <testsuite name=\"\(file)\" tests=\"\(suite.cases.count)\" failures=\"\(suite.failureCount)\" errors=\"0\" skipped=\"0\">\n"
            for testCase in suite.cases {
                out += "    <testcase classname=\"\(file)\" name=\"\(Self.escape(testCase.rule))\""
                if testCase.failures.isEmpty && testCase.others.isEmpty {
                    out += "/>\n"
                    continue
                }
                out += ">\n"
                for finding in testCase.failures {
                    out += "      <failure type=\"\(finding.severity.rawValue)\" message=\"\(Self.escape(finding.message))\">"
                    out += Self.escape("\(finding.location): \(finding.message)", attribute: false)
                    out += "</failure>\n"
                }
                if !testCase.others.isEmpty {
                    out += "      <system-out>"
                    out += Self.escape(testCase.others.map { line(for: $0, report: report) }.joined(separator: "\n"), attribute: false)
                    out += "</system-out>\n"
                }
                out += "    </testcase>\n"
            }
            out += "  </testsuite>\n"
        }
        out += "</testsuites>\n"
        return out
    }

    /// A finding that does not fail, and why.
    private func line(for finding: Finding, report: Report) -> String {
        let why: String
        if let suppression = finding.suppression {
            let how = suppression.kind == .inline ? "suppressed inline" : "suppressed by the configuration"
            why = "\(how) at \(suppression.location): \(suppression.reason)"
        } else if finding.baselineState == .unchanged {
            why = "baselined: already in the baseline"
        } else {
            why = "below --fail-on \(report.failOn.rawValue)"
        }
        return "\(finding.location): \(finding.severity.rawValue): \(finding.message) (\(why))"
    }

    /// XML 1.0 escaping. In attributes, quotes and whitespace other than a
    /// space are escaped too (a parser would normalize a raw tab or newline
    /// to a space). Characters XML 1.0 does not allow at all (most C0
    /// controls, U+FFFE, U+FFFF) become U+FFFD.
    static func escape(_ text: String, attribute: Bool = true) -> String {
        // On the UTF-8 bytes: a quarter of a million findings make this the
        // report's bulk. Every character escaped is ASCII, or U+FFFE / U+FFFF
        // (EF BF BE / EF BF BF), so the other bytes are copied as they are.
        var text = text
        return text.withUTF8 { bytes in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 16)
            let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]  // U+FFFD
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
                case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
                case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
                case UInt8(ascii: "\"") where attribute: out.append(contentsOf: "&quot;".utf8)
                case UInt8(ascii: "'") where attribute: out.append(contentsOf: "&apos;".utf8)
                case 0x09 where attribute: out.append(contentsOf: "&#9;".utf8)
                case 0x0A where attribute: out.append(contentsOf: "&#10;".utf8)
                case 0x0D: out.append(contentsOf: "&#13;".utf8)
                case 0x09, 0x0A: out.append(byte)
                case 0x00..<0x20: out.append(contentsOf: replacement)
                case 0xEF where index + 1 < bytes.count && bytes[index] == 0xBF && (bytes[index + 1] == 0xBE || bytes[index + 1] == 0xBF):
                    out.append(contentsOf: replacement)
                    index += 2
                default: out.append(byte)
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}
