import FaultlineModel
import FaultlineRules
import FaultlineYAML

/// GitHub Actions workflow commands: one `::error`, `::warning` or `::notice`
/// line per active finding, which the runner turns into an annotation on the
/// file and line, then the text summary as a plain last line.
public struct GitHubReporter: Sendable {
    public init() {}

    public func render(_ report: Report) -> String {
        let sink = OutputSink()
        write(report, to: sink)
        return sink.text
    }

    /// Streams the commands, put together from bytes: a large topology has
    /// hundreds of thousands of findings, and a `String` for each line held
    /// the whole report in memory and took a second at 50 000 services.
    public func write(_ report: Report, to sink: OutputSink) {
        var out = ByteBuffer(capacity: 80 * 1024)
        // Findings come in runs of one file: its escaped name is made once per run.
        var file: (id: UInt32, escaped: [UInt8])?
        for finding in report.findings where finding.isActive {
            let location = finding.location
            if file?.id != location.fileID {
                file = (location.fileID, location.withFileUTF8 { Self.percentEncoded($0, property: true) })
            }
            out.append(UInt8(ascii: ":"))
            out.append(UInt8(ascii: ":"))
            out.append(utf8Of: Self.command(finding.severity))
            out.append(" file=")
            file?.escaped.withUnsafeBufferPointer { out.append($0) }
            out.append(",line=")
            DecimalText.withText(of: Int64(location.line)) { out.append($0) }
            out.append(",col=")
            DecimalText.withText(of: Int64(location.column)) { out.append($0) }
            out.append(",title=")
            var rule = finding.rule
            rule.withUTF8 { Self.percentEncode($0, property: true, into: &out) }
            out.append(UInt8(ascii: ":"))
            out.append(UInt8(ascii: ":"))
            finding.withMessageBytes { Self.percentEncode($0, property: false, into: &out) }
            out.append(UInt8(ascii: "\n"))
            sink.drain(&out, atLeast: 64 * 1024)
        }
        sink.drain(&out)
        sink.write(TextReporter(color: false).summary(report) + "\n")
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
    public static func escapeData(_ text: String) -> String { percentEncoded(text, property: false) }

    /// A property value (`file=`, `title=`): as a message, and `:` and `,`
    /// too, since they end a value.
    public static func escapeProperty(_ text: String) -> String { percentEncoded(text, property: true) }

    private static func percentEncoded(_ text: String, property: Bool) -> String {
        var text = text
        return String(decoding: text.withUTF8 { percentEncoded($0, property: property) }, as: UTF8.self)
    }

    private static func percentEncoded(_ bytes: UnsafeBufferPointer<UInt8>, property: Bool) -> [UInt8] {
        var out = ByteBuffer(capacity: bytes.count + 16)
        percentEncode(bytes, property: property, into: &out)
        return Array(out.bytes)
    }

    /// Every byte encoded here is ASCII, so the other bytes of UTF-8 text
    /// (multi-byte characters included) are copied as they are.
    private static func percentEncode(_ bytes: UnsafeBufferPointer<UInt8>, property: Bool, into out: inout ByteBuffer) {
        // Most text has nothing to encode: copied whole.
        if !bytes.contains(where: { needsEncoding($0, property: property) }) {
            out.append(bytes)
            return
        }
        let hex: StaticString = "0123456789ABCDEF"
        for byte in bytes {
            if needsEncoding(byte, property: property) {
                out.append(UInt8(ascii: "%"))
                out.append(hex.utf8Start[Int(byte >> 4)])
                out.append(hex.utf8Start[Int(byte & 0xF)])
            } else {
                out.append(byte)
            }
        }
    }

    private static func needsEncoding(_ byte: UInt8, property: Bool) -> Bool {
        byte == UInt8(ascii: "%") || byte == 0x0D || byte == 0x0A || (property && (byte == UInt8(ascii: ":") || byte == UInt8(ascii: ",")))
    }
}
