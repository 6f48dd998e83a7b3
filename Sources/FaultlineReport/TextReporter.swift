import FaultlineRules

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
    /// hundred lines, so a large report is never held whole.
    public func write(_ report: Report, to sink: OutputSink) {
        var out = ""
        var previousFile: String?
        for finding in report.findings where finding.isActive {
            if let previousFile, previousFile != finding.location.file { out += "\n" }
            previousFile = finding.location.file
            out += paint("\(finding.location):", .bold)
            out += " " + paint("\(finding.severity.rawValue):", style(for: finding.severity))
            out += " \(finding.message) " + paint("[\(finding.rule)]", .dim) + "\n"
            if out.utf8.count >= 64 * 1024 {
                sink.write(out)
                out = ""
            }
        }
        if previousFile != nil { out += "\n" }
        if !report.fixed.isEmpty {
            out += "Fixed since the baseline:\n"
            for entry in report.fixed {
                out += "  \(entry.count == 1 ? "" : "\(entry.count) × ")\(entry.message) [\(entry.rule)]\n"
            }
            out += "\n"
        }
        out += summary(report) + "\n"
        sink.write(out)
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

    private func paint(_ text: String, _ style: Style) -> String {
        color ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }
}
