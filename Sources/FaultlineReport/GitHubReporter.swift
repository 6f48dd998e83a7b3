import FaultlineRules

/// GitHub Actions workflow commands: one `::error`, `::warning` or `::notice`
/// line per active finding, which the runner turns into an annotation on the
/// file and line, then the text summary as a plain last line.
public struct GitHubReporter: Sendable {
    public init() {}

    public func render(_ report: Report) -> String {
        var out = ""
        for finding in report.activeFindings {
            let location = finding.location
            out += "::\(Self.command(finding.severity)) "
            out += "file=\(Self.escapeProperty(location.file)),line=\(location.line),col=\(location.column),"
            out += "title=\(Self.escapeProperty(finding.rule))"
            out += "::\(Self.escapeData(finding.message))\n"
        }
        out += TextReporter(color: false).summary(report) + "\n"
        return out
    }

    static func command(_ severity: Severity) -> String {
        switch severity {
        case .error: return "error"
        case .warning: return "warning"
        case .note: return "notice"
        }
    }

    /// A command's message, after `::`: `%`, CR and LF are percent-encoded
    /// (the runner's own escaping, as in `@actions/core`).
    public static func escapeData(_ text: String) -> String { percentEncode(text, alsoEscaping: []) }

    /// A property value (`file=`, `title=`): as a message, and `:` and `,`
    /// too, since they end a value.
    public static func escapeProperty(_ text: String) -> String { percentEncode(text, alsoEscaping: [":", ","]) }

    private static func percentEncode(_ text: String, alsoEscaping extra: Set<Unicode.Scalar>) -> String {
        // Most text has nothing to encode: one pass over the bytes finds out
        // (every character encoded here is ASCII).
        if !text.utf8.contains(where: { byte in
            byte == UInt8(ascii: "%") || byte == 0x0D || byte == 0x0A || (byte < 0x80 && extra.contains(Unicode.Scalar(byte)))
        }) {
            return text
        }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if scalar == "%" || scalar == "\r" || scalar == "\n" || extra.contains(scalar) {
                out += "%" + (scalar.value < 16 ? "0" : "") + String(scalar.value, radix: 16, uppercase: true)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
