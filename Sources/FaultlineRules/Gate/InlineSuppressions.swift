public import FaultlineYAML
public import FaultlineModel
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A `# faultline:ignore RULE[, RULE…] -- reason` comment. It covers the line
/// it ends, or, standing on a line of its own, the next line with content.
public struct InlineSuppression: Sendable, Hashable {
    public let ruleIDs: [String]
    public let reason: String
    /// The comment's `#`.
    public let location: SourceLocation
    /// The line whose findings it suppresses.
    public let coveredLine: Int
}

/// Finds suppression comments in the raw text: libyaml drops comments, so they
/// are read from the bytes, a line at a time.
public enum InlineSuppressionScanner {
    static let marker = Array("faultline:ignore".utf8)

    public static func scan(_ file: SourceFile, knownRules: [String]) -> (suppressions: [InlineSuppression], diagnostics: [Diagnostic]) {
        // Nearly every file has no suppression at all: one fast search decides.
        guard file.withBytes({ contains(marker, in: $0) }) else { return ([], []) }
        let bytes = file.bytes
        var suppressions: [InlineSuppression] = []
        var diagnostics: [Diagnostic] = []
        /// Comments on lines of their own wait for the next line with content.
        var waiting: [(rules: [String], reason: String, location: SourceLocation)] = []
        var lineNumber = 0
        forEachLine(bytes) { line in
            lineNumber += 1
            let content = line.firstIndex { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }
            guard let content else { return }
            let commentStart = comment(in: line)
            let commentOnly = commentStart == content
            if !commentOnly {
                for pending in waiting {
                    suppressions.append(InlineSuppression(ruleIDs: pending.rules, reason: pending.reason, location: pending.location, coveredLine: lineNumber))
                }
                waiting.removeAll()
            }
            guard let commentStart, let markerStart = find(marker, in: line, from: commentStart) else { return }
            // Only `#` and spaces may stand between the comment start and the marker.
            guard line[(commentStart + 1)..<markerStart].allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) else { return }
            let location = SourceLocation(file: file.name, line: lineNumber, column: column(of: commentStart, in: line))
            let body = String(decoding: line[(markerStart + marker.count)...], as: UTF8.self)
            switch parse(body, knownRules: knownRules) {
            case .success(let (rules, reason)):
                if commentOnly {
                    waiting.append((rules, reason, location))
                } else {
                    suppressions.append(InlineSuppression(ruleIDs: rules, reason: reason, location: location, coveredLine: lineNumber))
                }
            case .failure(let error):
                diagnostics.append(Diagnostic(error.text, at: location))
            }
        }
        for pending in waiting {
            diagnostics.append(Diagnostic("this suppression comment has no line after it to apply to", at: pending.location))
        }
        return (suppressions, diagnostics)
    }

    private static func parse(_ body: String, knownRules: [String]) -> Result<([String], String), ParseErrorMessage> {
        let usage = "write '# faultline:ignore RULE-ID -- why this is acceptable here'"
        let characters = Array(body)
        guard let dash = characters.indices.first(where: { $0 + 1 < characters.count && characters[$0] == "-" && characters[$0 + 1] == "-" }) else {
            return .failure(ParseErrorMessage("a suppression needs a reason after '--'; \(usage)"))
        }
        let rules = String(characters[..<dash]).split { $0 == "," || $0 == " " || $0 == "\t" }.map(String.init)
        let reason = Substring(String(characters[(dash + 2)...])).trimmingWhitespace()
        if rules.isEmpty { return .failure(ParseErrorMessage("a suppression must name the rule it suppresses; \(usage)")) }
        if reason.isEmpty { return .failure(ParseErrorMessage("a suppression needs a reason after '--'; \(usage)")) }
        for rule in rules where !knownRules.contains(rule) {
            let hint = Suggestions.closest(to: rule, in: knownRules).map { "; did you mean '\($0)'?" } ?? "; 'faultline rules' lists the rule ids"
            return .failure(ParseErrorMessage("a suppression names an unknown rule '\(rule)'\(hint)"))
        }
        return .success((rules, reason))
    }

    /// A quote opens a quoted scalar only where a scalar can start.
    private static let quoteOpeners: Set<UInt8> = Set(" :[{,-\t".utf8)

    /// Where a comment starts: a `#` at the start of the line or after a space,
    /// outside quotes.
    private static func comment(in line: ArraySlice<UInt8>) -> Int? {
        var quote: UInt8?
        var previous: UInt8 = UInt8(ascii: " ")
        for index in line.indices {
            let byte = line[index]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                if quoteOpeners.contains(previous) { quote = byte }
            } else if byte == UInt8(ascii: "#"), previous == UInt8(ascii: " ") || previous == UInt8(ascii: "\t") {
                return index
            }
            previous = byte
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in line: ArraySlice<UInt8>, from start: Int) -> Int? {
        guard line.endIndex - start >= needle.count else { return nil }
        var index = start
        while index + needle.count <= line.endIndex {
            if line[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    /// Whether any `#` is followed, after spaces, by the marker. Comments are
    /// rare in topology files, so hopping from `#` to `#` with memchr is quick.
    private static func contains(_ needle: [UInt8], in buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = buffer.baseAddress else { return false }
        var offset = 0
        while offset < buffer.count {
            guard let hit = memchr(base + offset, Int32(UInt8(ascii: "#")), buffer.count - offset) else { return false }
            var index = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base + 1
            while index < buffer.count, buffer[index] == UInt8(ascii: " ") || buffer[index] == UInt8(ascii: "\t") { index += 1 }
            if index + needle.count <= buffer.count, buffer[index..<(index + needle.count)].elementsEqual(needle) { return true }
            offset = index
        }
        return false
    }

    /// 1-based column in characters, as libyaml counts them.
    private static func column(of index: Int, in line: ArraySlice<UInt8>) -> Int {
        line[line.startIndex..<index].reduce(1) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
    }

    private static func forEachLine(_ bytes: [UInt8], _ body: (ArraySlice<UInt8>) -> Void) {
        var start = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                body(bytes[start..<index])
                if byte == UInt8(ascii: "\r"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") { index += 1 }
                start = index + 1
            }
            index += 1
        }
        if start < bytes.count { body(bytes[start..<bytes.count]) }
    }
}

struct ParseErrorMessage: Error {
    let text: String
    init(_ text: String) { self.text = text }
}

extension Substring {
    func trimmingWhitespace() -> String {
        let trimmed = drop { $0 == " " || $0 == "\t" }
        return String(trimmed.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
