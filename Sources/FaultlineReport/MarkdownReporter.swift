import FaultlineModel
import FaultlineYAML
import FaultlineRules

/// GitHub-flavored Markdown for a pull-request comment or
/// `$GITHUB_STEP_SUMMARY`: the summary as a heading, whether the gate passes,
/// a table of the active findings, and, folded away, what was suppressed,
/// baselined or fixed since the baseline.
public struct MarkdownReporter: Sendable {
    public init() {}

    public func render(_ report: Report) -> String {
        let sink = OutputSink()
        write(report, to: sink)
        return sink.text
    }

    /// Streams the Markdown; the table's rows are put together from bytes:
    /// a large topology has hundreds of thousands of findings, and a `String`
    /// for each row held the whole report (1.8 s and 335 MiB at 50 000 services).
    public func write(_ report: Report, to sink: OutputSink) {
        var out = "### \(Tool.name) — \(Self.inline(TextReporter(color: false).summary(report)))\n\n"
        var activeCount = 0, failing = 0
        for finding in report.findings where finding.isActive {
            activeCount += 1
            if report.failOn.fails(finding.severity) { failing += 1 }
        }
        let gate = "`--fail-on \(report.failOn.rawValue)`"
        if failing > 0 {
            out += "**Fails** the gate (\(gate)): \(failing) finding\(failing == 1 ? "" : "s") at or above \(report.failOn.rawValue).\n\n"
        } else {
            out += "Passes the gate (\(gate)).\n\n"
        }

        if activeCount == 0 {
            out += report.baselineUsed ? "No new findings.\n" : "No findings.\n"
        } else {
            out += "| Severity | Rule | Location | Finding |\n|---|---|---|---|\n"
            sink.write(out)
            out = ""
            writeRows(report.findings, to: sink)
        }

        let suppressed = report.findings.filter { $0.suppression != nil }
        let baselined = report.baselinedCount
        guard !suppressed.isEmpty || baselined > 0 || !report.fixed.isEmpty else {
            sink.write(out)
            return
        }
        var parts: [String] = []
        if !suppressed.isEmpty { parts.append("\(suppressed.count) suppressed") }
        if baselined > 0 { parts.append("\(baselined) baselined") }
        if !report.fixed.isEmpty { parts.append("\(report.fixedCount) fixed since the baseline") }
        out += "\n<details>\n<summary>\(parts.joined(separator: ", "))</summary>\n"
        if !suppressed.isEmpty {
            out += "\n#### Suppressed\n\n| Severity | Rule | Location | Finding | Reason |\n|---|---|---|---|---|\n"
            for finding in suppressed {
                guard let suppression = finding.suppression else { continue }
                let how = suppression.kind == .inline ? "inline comment" : "configuration"
                let reason = "\(how) at \(Self.code(suppression.location.description)): \(Self.inline(suppression.reason))"
                out += "| \(finding.severity.rawValue) | \(Self.ruleLink(finding.rule)) | \(Self.code(finding.location.description)) | \(Self.inline(finding.message)) | \(reason) |\n"
            }
        }
        if baselined > 0 {
            out += "\n#### Baselined\n\n\(baselined) finding\(baselined == 1 ? " is" : "s are") already in the baseline and \(baselined == 1 ? "does" : "do") not fail the run.\n"
        }
        if !report.fixed.isEmpty {
            out += "\n#### Fixed since the baseline\n\n"
            for entry in report.fixed {
                out += "- \(entry.count == 1 ? "" : "\(entry.count) × ")\(Self.inline(entry.message)) (\(Self.ruleLink(entry.rule)))\n"
            }
        }
        out += "\n</details>\n"
        sink.write(out)
    }

    /// The active findings' rows, as `| severity | rule | location | message |`.
    private func writeRows(_ findings: [Finding], to sink: OutputSink) {
        var out = ByteBuffer(capacity: 80 * 1024)
        // Each rule's cell is made once; files come in runs, checked once per run.
        var ruleLinks: [String: String] = [:]
        var file: (id: UInt32, plain: Bool)?
        for finding in findings where finding.isActive {
            out.append("| ")
            out.append(utf8Of: finding.severity.rawValue)
            out.append(" | ")
            let name = finding.rule
            if let link = ruleLinks[name] {
                out.append(utf8Of: link)
            } else {
                let link = Self.ruleLink(name)
                ruleLinks[name] = link
                out.append(utf8Of: link)
            }
            out.append(" | ")
            let location = finding.location
            if file?.id != location.fileID {
                file = (location.fileID, location.withFileUTF8 { !$0.contains { Self.endsACodeSpan($0) } })
            }
            if file?.plain == true {
                // A plain name, line and column need neither escapes nor a longer fence.
                out.append(UInt8(ascii: "`"))
                out.append(location)
                out.append(UInt8(ascii: "`"))
            } else {
                out.append(utf8Of: Self.code(location.description))
            }
            out.append(" | ")
            finding.withMessageBytes { message in
                if Self.needsInlineEscape(message) {
                    out.append(utf8Of: Self.inline(String(decoding: message, as: UTF8.self)))
                } else {
                    out.append(message)
                }
            }
            out.append(" |\n")
            sink.drain(&out, atLeast: 64 * 1024)
        }
        sink.drain(&out)
    }

    /// Bytes that `code` changes or that decide its fence.
    private static func endsACodeSpan(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "`") || byte == UInt8(ascii: "|") || byte == 0x0A || byte == 0x0D
    }

    /// Whether `inline` changes anything in these bytes.
    private static func needsInlineEscape(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in bytes where needsInlineEscape(byte) { return true }
        return false
    }

    /// Bytes that `inline` changes.
    private static func needsInlineEscape(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x0A, 0x0D, UInt8(ascii: "\\"), UInt8(ascii: "|"), UInt8(ascii: "`"), UInt8(ascii: "*"),
             UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "<"), UInt8(ascii: ">"): return true
        default: return false
        }
    }

    static func ruleLink(_ rule: String) -> String {
        "[\(code(rule))](\(Tool.rulesURL)\(rule).md)"
    }

    /// Text for a table cell or a heading: on one line, with the characters
    /// that would end a cell, open HTML, a code span or a link escaped.
    static func inline(_ text: String) -> String {
        // Most text has none of these: one pass over the bytes finds out.
        if !text.utf8.contains(where: needsInlineEscape) {
            return text
        }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var previousWasBreak = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" || scalar == "\r" {
                if !previousWasBreak { out += " " }
                previousWasBreak = true
                continue
            }
            previousWasBreak = false
            switch scalar {
            case "\\", "|", "`", "*", "[", "]": out += "\\"; out.unicodeScalars.append(scalar)
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A code span inside a table cell: one line, `|` escaped (a table cell
    /// ends at a bare one even in code), fenced with more backticks than the
    /// text holds in a row.
    static func code(_ text: String) -> String {
        var body = ""
        var run = 0, longest = 0
        for character in text {
            if character == "`" { run += 1; longest = max(longest, run) } else { run = 0 }
            switch character {
            case "\n", "\r", "\r\n": body += " "
            case "|": body += "\\|"
            default: body.append(character)
            }
        }
        let fence = String(repeating: "`", count: longest + 1)
        let padding = body.hasPrefix("`") || body.hasSuffix("`") ? " " : ""
        return fence + padding + body + padding + fence
    }
}
