import FaultlineModel
import FaultlineYAML

/// A minimal JSON writer with a fixed key order: output is the same bytes for
/// the same input, with no dictionary ordering to depend on.
///
/// Reports write millions of fields, so the state is two integers — the depth
/// and one "has items" bit per level — rather than an array to check and grow
/// on every field.
struct JSONWriter: ~Copyable {
    private(set) var output: ByteBuffer
    private var depth = 0
    /// Bit `d` is set once the collection at depth `d` has an item (depths
    /// past 63 share the top bit; no report nests nearly that deep).
    private var hasItems: UInt64 = 0
    private var pendingValueAfterKey = false

    init(capacity: Int = 4096) { output = ByteBuffer(capacity: capacity) }

    /// A writer for a run of items inside an array that another writer
    /// opened at `depth`, so parts of one array can be written separately
    /// (and side by side) and joined: the bytes are the same as one writer's.
    init(capacity: Int, insideArrayAtDepth depth: Int, afterItems: Bool) {
        output = ByteBuffer(capacity: capacity)
        self.depth = depth
        if afterItems { hasItems |= levelBit }
    }

    /// Empties the writer and puts it back inside the array, for the next part.
    mutating func restartInsideArray(afterItems: Bool) {
        output.removeAll()
        pendingValueAfterKey = false
        hasItems = 0
        if afterItems { hasItems |= levelBit }
    }

    /// Takes note that items of the open array were written by other writers.
    mutating func noteItemsWritten() { hasItems |= levelBit }

    var isEmpty: Bool { output.isEmpty }

    /// Hands what is written so far to a sink; the writer's state (nesting,
    /// commas) is kept, so writing goes on where it stopped.
    mutating func drain(into sink: OutputSink) {
        output.withBytes { sink.write($0) }
        output.removeAll()
    }

    /// Everything written, as text (for reports rendered whole).
    var text: String { output.text }

    mutating func beginObject() { open(UInt8(ascii: "{")) }
    mutating func endObject() { close(UInt8(ascii: "}")) }
    mutating func beginArray() { open(UInt8(ascii: "[")) }
    mutating func endArray() { close(UInt8(ascii: "]")) }

    /// A key computed at run time, escaped like any string.
    mutating func key(computed name: String) {
        separate()
        string(name)
        output.append(UInt8(ascii: ":"))
        output.append(UInt8(ascii: " "))
        pendingValueAfterKey = true
    }

    /// Keys are literals: plain ASCII that needs no escaping, copied as they are.
    mutating func key(_ name: StaticString) {
        separate()
        output.append(UInt8(ascii: "\""))
        output.append(name)
        output.append(UInt8(ascii: "\""))
        output.append(UInt8(ascii: ":"))
        output.append(UInt8(ascii: " "))
        pendingValueAfterKey = true
    }

    mutating func value(_ text: String) { valuePrefix(); string(text) }

    /// A field whose separator, indentation and key come prepared (see
    /// `PreparedKey`): one copy instead of the generic `key(_:)`'s half dozen
    /// steps, for the findings' millions of fields.
    mutating func field(_ key: PreparedKey, utf8 bytes: UnsafeBufferPointer<UInt8>) {
        prepared(key)
        string(utf8: bytes)
    }

    mutating func field(_ key: PreparedKey, _ text: String) {
        prepared(key)
        string(text)
    }

    mutating func field(_ key: PreparedKey, _ number: Int) {
        prepared(key)
        DecimalText.withText(of: Int64(number)) { output.append($0) }
    }

    private mutating func prepared(_ key: PreparedKey) {
        precondition(depth == key.depth, "a prepared key is used at the depth it was prepared for")
        output.append(hasItems & levelBit != 0 ? key.later : key.first)
        hasItems |= levelBit
    }

    /// A string given as its UTF-8 bytes.
    mutating func value(utf8 bytes: UnsafeBufferPointer<UInt8>) { valuePrefix(); string(utf8: bytes) }

    mutating func value(_ number: Int) {
        valuePrefix()
        DecimalText.withText(of: Int64(number)) { output.append($0) }
    }

    mutating func value(_ flag: Bool) { valuePrefix(); append(flag ? "true" : "false") }
    mutating func null() { valuePrefix(); append("null") }

    mutating func field(_ name: StaticString, _ text: String?) {
        key(name)
        if let text { value(text) } else { null() }
    }

    mutating func field(_ name: StaticString, _ number: Int) { key(name); value(number) }
    mutating func field(_ name: StaticString, _ flag: Bool) { key(name); value(flag) }

    private mutating func append(_ literal: StaticString) { output.append(literal) }

    private mutating func valuePrefix() {
        if pendingValueAfterKey { pendingValueAfterKey = false } else { separate() }
    }

    private var levelBit: UInt64 { 1 << UInt64(min(depth, 63)) }

    private mutating func open(_ bracket: UInt8) {
        valuePrefix()
        output.append(bracket)
        depth += 1
        hasItems &= ~levelBit
    }

    private mutating func close(_ bracket: UInt8) {
        let hadItems = hasItems & levelBit != 0
        depth -= 1
        if hadItems { newline(depth: depth + 1) }
        output.append(bracket)
    }

    private mutating func separate() {
        if hasItems & levelBit != 0 { output.append(UInt8(ascii: ",")) }
        hasItems |= levelBit
        if depth > 0 { newline(depth: depth + 1) }
    }

    /// A newline and two spaces per level, taken from one prepared run of spaces.
    private static let newlineAndSpaces: StaticString = "\n                                                                "

    /// `levels` counts the top level as 1, which is not indented.
    private mutating func newline(depth levels: Int) {
        let width = 1 + 2 * (levels - 1)
        let prepared = JSONWriter.newlineAndSpaces
        if width <= prepared.utf8CodeUnitCount {
            output.append(UnsafeBufferPointer(start: prepared.utf8Start, count: width))
        } else {
            output.append(UInt8(ascii: "\n"))
            for _ in 1..<levels { append("  ") }
        }
    }

    /// Whether any byte is a control character, DEL, `"` or `\`. Checked
    /// sixteen bytes at a time with vector compares, as the report's strings
    /// add up to tens of megabytes. The last block overlaps the one before it
    /// rather than ending byte by byte: most strings are names a little
    /// longer than one block. (The lanes are loaded with `loadUnaligned` and
    /// the splatted constants made once, up front: built lane by lane, or
    /// splatted inside the loop, the same compares compile to scalar code
    /// that runs several times slower.)
    static func needsEscaping(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let count = bytes.count
        guard count >= 16 else {
            guard count >= 8 else {
                for index in 0..<count {
                    let byte = base[index]
                    if byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x7F { return true }
                }
                return false
            }
            // Two overlapping words, each checked with the usual bit tricks
            // for "has a byte less than" and "has a byte equal to".
            let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
            @inline(__always) func hasZeroByte(_ word: UInt64) -> Bool { (word &- ones) & ~word & highs != 0 }
            @inline(__always) func escapes(at offset: Int) -> Bool {
                let word = UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self)
                return (word &- ones &* 0x20) & ~word & highs != 0 || hasZeroByte(word ^ (ones &* 0x22))
                    || hasZeroByte(word ^ (ones &* 0x5C)) || hasZeroByte(word ^ (ones &* 0x7F))
            }
            return escapes(at: 0) || escapes(at: count - 8)
        }
        let raw = UnsafeRawPointer(base)
        let space = SIMD16<UInt8>(repeating: 0x20), quote = SIMD16<UInt8>(repeating: 0x22)
        let backslash = SIMD16<UInt8>(repeating: 0x5C), delete = SIMD16<UInt8>(repeating: 0x7F)
        @inline(__always) func flagged(_ offset: Int) -> SIMDMask<SIMD16<Int8>> {
            let lanes = raw.loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self)
            return (lanes .< space) .| (lanes .== quote) .| (lanes .== backslash) .| (lanes .== delete)
        }
        // `any` on a mask is a call to a generic reduction here; the mask's
        // sixteen bytes read as two words and or-ed are three instructions.
        @inline(__always) func anySet(_ mask: SIMDMask<SIMD16<Int8>>) -> Bool {
            let words = unsafeBitCast(mask, to: SIMD2<UInt64>.self)
            return words[0] | words[1] != 0
        }
        // Four blocks per test: messages run to hundreds of bytes, and one
        // branch per 64 bytes costs less than one per 16.
        var offset = 0
        while offset + 64 <= count {
            if anySet(flagged(offset) .| flagged(offset + 16) .| flagged(offset + 32) .| flagged(offset + 48)) { return true }
            offset += 64
        }
        while offset + 16 <= count {
            if anySet(flagged(offset)) { return true }
            offset += 16
        }
        // The last bytes, in a block that overlaps the one before (count is 16 or more).
        return offset < count && anySet(flagged(count - 16))
    }

    private mutating func string(_ text: String) {
        // Borrowed in place: no retain per string written.
        text.withUTF8InPlace { string(utf8: $0) }
    }

    private mutating func string(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        output.append(UInt8(ascii: "\""))
        // Most strings need no escaping: copy them whole.
        if !JSONWriter.needsEscaping(bytes) {
            output.append(bytes)
            output.append(UInt8(ascii: "\""))
            return
        }
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case 0x0A: append("\\n")
            case 0x0D: append("\\r")
            case 0x09: append("\\t")
            case 0..<0x20, 0x7F:
                let hex: StaticString = "0123456789abcdef"
                append("\\u00")
                output.append(hex.utf8Start[Int(byte >> 4)])
                output.append(hex.utf8Start[Int(byte & 0xF)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}

/// The bytes the generic writer puts before the value of one key in an object
/// at a given depth — newline, indentation, the quoted key and `": "`, after a
/// comma unless it is the first field — made once by that writer itself, so
/// prepared and generic fields cannot differ.
final class PreparedKey: Sendable {
    let depth: Int
    /// Both stay allocated for the life of the process (keys are static).
    nonisolated(unsafe) let first: UnsafeBufferPointer<UInt8>
    nonisolated(unsafe) let later: UnsafeBufferPointer<UInt8>

    /// For a key of an object that is an item of an array at `arrayDepth`.
    init(_ name: StaticString, inObjectInArrayAtDepth arrayDepth: Int) {
        var writer = JSONWriter(capacity: 256, insideArrayAtDepth: arrayDepth, afterItems: false)
        writer.beginObject()
        let opened = writer.output.count
        writer.key(name)
        let firstBytes = Array(writer.output.bytes[opened...])
        depth = arrayDepth + 1
        first = PreparedKey.keep(firstBytes)
        later = PreparedKey.keep([UInt8(ascii: ",")] + firstBytes)
    }

    private static func keep(_ bytes: [UInt8]) -> UnsafeBufferPointer<UInt8> {
        let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
        _ = copy.initialize(fromContentsOf: bytes)
        return UnsafeBufferPointer(copy)
    }
}
