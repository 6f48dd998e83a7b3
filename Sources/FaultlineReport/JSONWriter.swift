/// A minimal JSON writer with a fixed key order: output is the same bytes for
/// the same input, with no dictionary ordering to depend on.
struct JSONWriter {
    private(set) var output: [UInt8] = []
    private var needsComma: [Bool] = [false]
    private let indentUnit: [UInt8] = Array("  ".utf8)

    init(capacity: Int = 4096) { output.reserveCapacity(capacity) }

    /// Hands what is written so far to a sink; the writer's state (nesting,
    /// commas) is kept, so writing goes on where it stopped.
    mutating func drain(into sink: OutputSink) { sink.drain(&output) }

    mutating func beginObject() { open(UInt8(ascii: "{")) }
    mutating func endObject() { close(UInt8(ascii: "}")) }
    mutating func beginArray() { open(UInt8(ascii: "[")) }
    mutating func endArray() { close(UInt8(ascii: "]")) }

    mutating func key(_ name: String) {
        separate()
        string(name)
        output.append(contentsOf: ": ".utf8)
        pendingValueAfterKey = true
    }

    private var pendingValueAfterKey = false

    mutating func value(_ text: String) { valuePrefix(); string(text) }
    mutating func value(_ number: Int) { valuePrefix(); output.append(contentsOf: String(number).utf8) }
    mutating func value(_ flag: Bool) { valuePrefix(); output.append(contentsOf: (flag ? "true" : "false").utf8) }
    mutating func null() { valuePrefix(); output.append(contentsOf: "null".utf8) }

    mutating func field(_ name: String, _ text: String?) {
        key(name)
        if let text { value(text) } else { null() }
    }

    mutating func field(_ name: String, _ number: Int) { key(name); value(number) }
    mutating func field(_ name: String, _ flag: Bool) { key(name); value(flag) }

    private mutating func valuePrefix() {
        if pendingValueAfterKey { pendingValueAfterKey = false } else { separate() }
    }

    private mutating func open(_ bracket: UInt8) {
        valuePrefix()
        output.append(bracket)
        needsComma.append(false)
    }

    private mutating func close(_ bracket: UInt8) {
        let hadItems = needsComma.removeLast()
        if hadItems { newline() }
        output.append(bracket)
    }

    private mutating func separate() {
        if needsComma[needsComma.count - 1] { output.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
        if needsComma.count > 1 { newline() }
    }

    /// A newline and two spaces per level, taken from one prepared run of spaces.
    private static let newlineAndSpaces: [UInt8] = [UInt8(ascii: "\n")] + [UInt8](repeating: UInt8(ascii: " "), count: 64)

    private mutating func newline() {
        let width = 1 + 2 * (needsComma.count - 1)
        if width <= JSONWriter.newlineAndSpaces.count {
            output.append(contentsOf: JSONWriter.newlineAndSpaces[0..<width])
        } else {
            output.append(UInt8(ascii: "\n"))
            for _ in 1..<needsComma.count { output.append(contentsOf: indentUnit) }
        }
    }

    private mutating func string(_ text: String) {
        output.append(UInt8(ascii: "\""))
        var text = text
        // Most strings need no escaping: copy them whole.
        let copied = text.withUTF8 { bytes -> Bool in
            guard !bytes.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return false }
            output.append(contentsOf: bytes)
            return true
        }
        if copied {
            output.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): output.append(contentsOf: "\\\\".utf8)
            case 0x0A: output.append(contentsOf: "\\n".utf8)
            case 0x0D: output.append(contentsOf: "\\r".utf8)
            case 0x09: output.append(contentsOf: "\\t".utf8)
            case 0..<0x20, 0x7F:
                let hex = Array("0123456789abcdef".utf8)
                output.append(contentsOf: "\\u00".utf8)
                output.append(hex[Int(byte >> 4)])
                output.append(hex[Int(byte & 0xF)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
