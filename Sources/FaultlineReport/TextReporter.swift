import FaultlineModel
import FaultlineRules
import FaultlineYAML

/// Compiler-style lines, `file:line:column: severity: message [rule-id]`,
/// grouped by file, then one summary line.
public struct TextReporter: Sendable {
    public let color: Bool

    public init(color: Bool) { self.color = color }

    public func render(_ report: Report) -> String {
        let sink = OutputSink()
        write(report, to: sink)
        return sink.text
    }

    /// Streams the report: what is written so far goes to the sink every few
    /// hundred lines, so a large report is never held whole. The findings'
    /// lines are put together from bytes: an organisation-wide topology has
    /// hundreds of thousands of them, and building a `String` for each took
    /// six times as long.
    public func write(_ report: Report, to sink: OutputSink) {
        var out = ByteBuffer(capacity: 80 * 1024)
        var previousFile: UInt32?
        for finding in report.findings where finding.isActive {
            let location = finding.location
            if let previousFile, previousFile != location.fileID { out.append(UInt8(ascii: "\n")) }
            previousFile = location.fileID
            start(.bold, in: &out)
            out.append(location)
            out.append(UInt8(ascii: ":"))
            end(in: &out)
            out.append(UInt8(ascii: " "))
            start(style(for: finding.severity), in: &out)
            out.append(utf8Of: finding.severity.rawValue)
            out.append(UInt8(ascii: ":"))
            end(in: &out)
            out.append(UInt8(ascii: " "))
            finding.withMessageBytes { out.append($0) }
            out.append(UInt8(ascii: " "))
            start(.dim, in: &out)
            out.append(UInt8(ascii: "["))
            out.append(utf8Of: finding.rule)
            out.append(UInt8(ascii: "]"))
            end(in: &out)
            out.append(UInt8(ascii: "\n"))
            sink.drain(&out, atLeast: 64 * 1024)
        }
        sink.drain(&out)
        var rest = ""
        if previousFile != nil { rest += "\n" }
        if !report.fixed.isEmpty {
            rest += "Fixed since the baseline:\n"
            for entry in report.fixed {
                rest += "  \(entry.count == 1 ? "" : "\(entry.count) × ")\(entry.message) [\(entry.rule)]\n"
            }
            rest += "\n"
        }
        rest += summary(report) + "\n"
        sink.write(rest)
    }

    /// The escape that `paint` opens a styled piece with, when painting.
    private func start(_ style: Style, in out: inout ByteBuffer) {
        guard color else { return }
        out.append(utf8Of: "\u{1B}[\(style.rawValue)m")
    }

    private func end(in out: inout ByteBuffer) {
        guard color else { return }
        out.append("\u{1B}[0m")
    }

    func summary(_ report: Report) -> String {
        let counts = [(Severity.error, "error"), (.warning, "warning"), (.note, "note")].compactMap { severity, word -> String? in
            let count = report.count(severity)
            return count == 0 ? nil : plural(count, word)
        }
        let found = counts.isEmpty ? "no findings" : counts.joined(separator: ", ")
        let name = report.system.map { "\($0): " } ?? ""
        var line = "\(name)\(found) in \(plural(report.files.count, "file")) (\(plural(report.serviceCount, "service")), \(plural(report.callCount, "sync call")), \(plural(report.channelCount, "channel")))"
        var standing: [String] = []
        if report.baselineUsed {
            standing.append("\(report.activeFindings.count) new")
            standing.append("\(report.baselinedCount) baselined")
        }
        if report.suppressedCount > 0 || report.baselineUsed { standing.append("\(report.suppressedCount) suppressed") }
        if report.baselineUsed { standing.append("\(report.fixedCount) fixed since the baseline") }
        if !standing.isEmpty { line += "; " + standing.joined(separator: ", ") }
        return line
    }

    private func plural(_ count: Int, _ word: String) -> String { "\(count) \(word)\(count == 1 ? "" : "s")" }

    private enum Style: String {
        case bold = "1", dim = "2", red = "1;31", yellow = "1;33", cyan = "1;36"
    }

    private func style(for severity: Severity) -> Style {
        switch severity {
        case .error: return .red
        case .warning: return .yellow
        case .note: return .cyan
        }
    }
}
