public import FaultlineYAML
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Typed reads of YAML nodes that record every problem instead of stopping at
/// the first, so one run reports all of them. Each read returns nil on error.
public final class NodeReader {
    public private(set) var diagnostics: [Diagnostic] = []

    public init() {}

    public func error(_ message: String, at node: YAMLNode) {
        diagnostics.append(Diagnostic(message, at: node.location))
    }

    public func error(_ message: String, at location: SourceLocation) {
        diagnostics.append(Diagnostic(message, at: location))
    }

    public func append(_ more: [Diagnostic]) { diagnostics.append(contentsOf: more) }

    /// The entries of a mapping, with unknown keys reported (keys starting
    /// with `x-` are extensions and skipped). `what` names the mapping in messages.
    public func fields(of node: YAMLNode, what: @autoclosure () -> String, allowed: KeySet,
                       alwaysSuggest: Bool = false) -> [(key: String, keyNode: YAMLNode, value: YAMLNode)]? {
        var result: [(key: String, keyNode: YAMLNode, value: YAMLNode)] = []
        result.reserveCapacity(node.count)
        let isMapping = forEachKnownField(of: node, what: what(), lookup: allowed.lookup, names: allowed.names, alwaysSuggest: alwaysSuggest) {
            result.append((allowed.names[$0], $1, $2))
        }
        return isMapping ? result : nil
    }

    /// `fields(of:)` without the list, and with the keys as a `Keyword` enum
    /// for a `switch` that compares no strings: `body` gets each allowed key,
    /// its node and its value, in order. False when the node is not a mapping
    /// (reported). The loader reads hundreds of thousands of small mappings,
    /// and a list for each is an allocation and a retain per node.
    public func forEachField<Key: Keyword>(of node: YAMLNode, what: @autoclosure () -> String, allowed: Key.Type, alwaysSuggest: Bool = false,
                                           _ body: (_ key: Key, _ keyNode: YAMLNode, _ value: YAMLNode) -> Void) -> Bool {
        let spellings = Key.spellings
        let words = spellings.words
        return forEachKnownField(of: node, what: what(), lookup: spellings.set.lookup, names: spellings.set.names, alwaysSuggest: alwaysSuggest) {
            body(words[$0], $1, $2)
        }
    }

    /// The elements of a sequence (none for a null), without making a list of
    /// them. False when the node is neither (reported).
    public func forEachElement(of node: YAMLNode, what: @autoclosure () -> String, _ body: (YAMLNode) -> Void) -> Bool {
        if node.isNull { return true }
        guard node.kind == .sequence else {
            error("\(what()) must be a list, not \(node.kindDescription)", at: node)
            return false
        }
        for index in 0..<node.count { body(node.element(at: index)) }
        return true
    }

    /// `names` is only read to explain an unknown key: passed as a value it
    /// would be retained and released for every mapping (see `Spellings`).
    private func forEachKnownField(of node: YAMLNode, what: @autoclosure () -> String, lookup: KeySet.Lookup,
                                   names: @autoclosure () -> [String], alwaysSuggest: Bool,
                                   _ body: (_ index: Int, _ keyNode: YAMLNode, _ value: YAMLNode) -> Void) -> Bool {
        guard node.kind == .mapping else {
            error("\(what()) must be a mapping of keys to values, not \(node.kindDescription)", at: node)
            return false
        }
        for index in 0..<node.count {
            let (keyNode, value) = node.entry(at: index)
            // Keys are matched on their bytes: no new String for each key of each mapping.
            if let known = keyNode.withScalarBytes({ lookup.index(of: $0) }) ?? nil {
                body(known, keyNode, value)
                continue
            }
            guard let key = keyNode.scalar else { continue }
            if key.hasPrefix("x-") { continue }
            error(unknownKeyMessage(key, what: what(), allowed: names(), alwaysSuggest: alwaysSuggest), at: keyNode)
        }
        return true
    }

    private func unknownKeyMessage(_ key: String, what: String, allowed: [String], alwaysSuggest: Bool) -> String {
        if let suggestion = Suggestions.closest(to: key, in: allowed, alwaysSuggest: alwaysSuggest) {
            return "unknown key '\(key)' in \(what); did you mean '\(suggestion)'?"
        }
        return "unknown key '\(key)' in \(what); expected one of \(allowed.map { "'\($0)'" }.joined(separator: ", ")) (or an 'x-' extension)"
    }

    public func string(_ node: YAMLNode, what: String) -> String? {
        guard node.kind == .scalar, !node.isNull, let text = node.scalar else {
            error("\(what) must be a string, not \(node.kindDescription)", at: node)
            return nil
        }
        return text
    }

    public static let trueWords: Set<String> = ["true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"]
    public static let falseWords: Set<String> = ["false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"]

    public func bool(_ node: YAMLNode, what: String) -> Bool? {
        if node.isPlainScalar {
            if node.scalarEquals("true") { return true }
            if node.scalarEquals("false") { return false }
        }
        if node.isPlainScalar, let text = node.scalar {
            if Self.trueWords.contains(text) { return true }
            if Self.falseWords.contains(text) { return false }
        }
        var message = "\(what) must be true or false, not \(node.kindDescription)"
        if node.kind == .scalar, !node.isPlainScalar, let text = node.scalar,
           Self.trueWords.contains(text) || Self.falseWords.contains(text) {
            message += " (remove the quotes)"
        }
        error(message, at: node)
        return nil
    }

    /// A whole number in `range`. YAML's `1_000` spelling is accepted.
    public func integer(_ node: YAMLNode, what: String, in range: ClosedRange<Int>) -> Int? {
        // The usual spelling, a few plain digits, read straight from the bytes.
        if node.isPlainScalar, let value = node.withScalarBytes({ bytes -> Int? in
            guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
            var value = 0
            for byte in bytes {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }) ?? nil, range.contains(value) {
            return value
        }
        guard node.isPlainScalar, let text = node.scalar, !text.isEmpty else {
            error("\(what) must be a whole number, not \(node.kindDescription)", at: node)
            return nil
        }
        let digits = text.filter { $0 != "_" }
        let unsigned = digits.hasPrefix("-") || digits.hasPrefix("+") ? digits.dropFirst() : Substring(digits)
        guard !unsigned.isEmpty, unsigned.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            error("\(what) must be a whole number, not '\(text)'", at: node)
            return nil
        }
        guard let value = Int(digits), range.contains(value) else {
            error("\(what) must be between \(range.lowerBound) and \(range.upperBound), not \(text)", at: node)
            return nil
        }
        return value
    }

    public func duration(_ node: YAMLNode, what: String) -> Duration? {
        if let duration = node.withScalarBytes({ DurationSyntax.parseWellFormed($0) }) ?? nil { return duration }
        guard node.kind == .scalar, !node.isNull, let text = node.scalar else {
            error("\(what) must be a duration such as 250ms or 2s, not \(node.kindDescription)", at: node)
            return nil
        }
        switch DurationSyntax.parse(text) {
        case .success(let duration):
            return duration
        case .failure(let failure):
            let message: String
            switch failure {
            case .missingUnit(let suggestion):
                message = "\(what) '\(text)' has no unit; did you mean \(suggestion)? (units: ms, s, m, h)"
            case .space(let suggestion):
                message = "\(what) '\(text)' has a space before its unit; write \(suggestion)"
            case .negative:
                message = "\(what) '\(text)' is negative; a duration is zero or more"
            case .malformed:
                message = "\(what) '\(text)' is not a duration; write a number and a unit (ms, s, m, h), such as 250ms or 1.5s"
            case .unknownUnit(let unit, let suggestion):
                message = "\(what) '\(text)' has an unknown unit '\(unit)'" + (suggestion.map { "; did you mean \($0)?" } ?? "; units are ms, s, m and h")
            case .tooPrecise:
                message = "\(what) '\(text)' is finer than a microsecond"
            case .tooLong:
                message = "\(what) '\(text)' is longer than a year; check the number and unit"
            }
            error(message, at: node)
            return nil
        }
    }

    /// One of a keyword enum's spellings, looked up on the scalar's bytes.
    public func choice<Value: Keyword>(_ node: YAMLNode, what: String, as type: Value.Type) -> Value? {
        if let value = node.withScalarBytes({ Value.spellings.word(for: $0) }) ?? nil { return value }
        return spelledChoice(node, what: what, as: type)
    }

    /// One of an enumeration's spellings.
    public func choice<Value: RawRepresentable & CaseIterable>(_ node: YAMLNode, what: String, as type: Value.Type) -> Value? where Value.RawValue == String {
        for value in Value.allCases where node.scalarEquals(value.rawValue) { return value }
        return spelledChoice(node, what: what, as: type)
    }

    private func spelledChoice<Value: RawRepresentable & CaseIterable>(_ node: YAMLNode, what: String, as type: Value.Type) -> Value? where Value.RawValue == String {
        let options = Value.allCases.map(\.rawValue)
        guard node.kind == .scalar, let text = node.scalar, let value = Value(rawValue: text) else {
            let found = node.kind == .scalar ? "'\(node.scalar ?? "")'" : node.kindDescription
            var message = "\(what) must be one of \(options.joined(separator: ", ")), not \(found)"
            if node.kind == .scalar, let text = node.scalar, let suggestion = Suggestions.closest(to: text, in: options) {
                message += "; did you mean '\(suggestion)'?"
            }
            error(message, at: node)
            return nil
        }
        return value
    }

    /// A name of a service, operation, channel or datastore.
    public func name(_ node: YAMLNode, what: String) -> String? {
        guard let text = string(node, what: what) else { return nil }
        if let problem = Names.problem(in: text) {
            error("\(what) '\(Names.printable(text))' is not a valid name: \(problem); names use letters, digits, '-', '_' and '.'", at: node)
            return nil
        }
        return text
    }

    /// A sequence's elements; a null value reads as an empty list.
    public func list(_ node: YAMLNode, what: String) -> [YAMLNode]? {
        var elements: [YAMLNode] = []
        elements.reserveCapacity(node.count)
        return forEachElement(of: node, what: what) { elements.append($0) } ? elements : nil
    }

    /// `none` (plain), as used by `retry: none` and `timeout: none`.
    public static func isNone(_ node: YAMLNode) -> Bool {
        node.isPlainScalar && node.scalarEquals("none")
    }
}

public enum Names {
    /// Why `text` is not a valid name, or nil when it is.
    public static func problem(in text: String) -> String? {
        if text.isEmpty { return "it is empty" }
        // The usual name, checked on its bytes; anything else is explained below.
        var text = text
        let plain = text.withUTF8 { bytes in
            bytes.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                     UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."): return true
                default: return false
                }
            }
        }
        if plain { return nil }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".": continue
            case " ": return "it contains a space"
            case "/": return "it contains '/'"
            default:
                if scalar.properties.generalCategory == .control { return "it contains a control character (U+\(String(scalar.value, radix: 16, uppercase: true)))" }
                return "it contains '\(scalar)'"
            }
        }
        return nil
    }

    /// The name with control characters escaped, safe to print in a message.
    public static func printable(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory == .control {
                result += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

/// A closed set of words a topology is written with — the keys a mapping may
/// have, or the values a setting may take — as an enum the loader switches
/// over. A large topology has millions of keys: each is looked up on its
/// bytes, and no `String` is made or compared for it.
public protocol Keyword: RawRepresentable, CaseIterable, Sendable where RawValue == String {
    /// `Spellings()`, made once per type: `static let spellings = Spellings<Self>()`.
    static var spellings: Spellings<Self> { get }
}

/// A keyword type's words, in declaration order, and their spellings packed.
///
/// One per keyword type, shared by every thread that loads. Lookups read it
/// through raw memory (`KeySet.Lookup`, `words`): held in arrays, each lookup
/// retained and released them, and with both halves of a large topology
/// loading at once that was a reference count both cores wrote for every
/// call, consumer and retry policy.
public final class Spellings<Word: Keyword>: @unchecked Sendable {
    public let set: KeySet
    /// `Word.allCases`, in order.
    let words: UnsafeMutablePointer<Word>

    public init() {
        let cases = Array(Word.allCases)
        words = .allocate(capacity: max(cases.count, 1))
        words.initialize(from: cases, count: cases.count)
        set = KeySet(cases.map(\.rawValue))
    }

    deinit { words.deallocate() }

    /// The word spelled by these bytes, if any.
    public func word(for bytes: UnsafeBufferPointer<UInt8>) -> Word? {
        set.lookup.index(of: bytes).map { words[$0] }
    }
}

/// The keys a mapping may have, their UTF-8 packed once: the loader matches
/// millions of keys against short lists like these. A key's length, first
/// and last byte pick the one name it can be, so most keys cost one table
/// read and one `memcmp`.
///
/// A class whose tables live in raw memory it owns, read through `lookup`, a
/// value of pointers: sets are shared between threads, and passing arrays to
/// a lookup retains them (see `Spellings`). Immutable once made.
public final class KeySet: ExpressibleByArrayLiteral, @unchecked Sendable {
    public let names: [String]
    public let lookup: Lookup

    /// The tables, without reference counting. Valid as long as the set.
    public struct Lookup: @unchecked Sendable {
        /// Name `i` is `packed[starts[i]..<starts[i + 1]]`.
        fileprivate let packed: UnsafeMutablePointer<UInt8>
        fileprivate let starts: UnsafeMutablePointer<Int>
        /// Per slot of `slot(count:first:last:)`: the only name there, `none`, or `several`.
        fileprivate let slots: UnsafeMutablePointer<Int8>
        fileprivate let count: Int

        /// The position of the name these bytes spell, if any.
        public func index(of bytes: UnsafeBufferPointer<UInt8>) -> Int? {
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return nil }
            let slot = slots[KeySet.slot(count: bytes.count, first: base[0], last: base[bytes.count - 1])]
            if slot == KeySet.none { return nil }
            if slot != KeySet.several { return spells(Int(slot), bytes) ? Int(slot) : nil }
            return (0..<count).first { spells($0, bytes) }
        }

        private func spells(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            let start = starts[index], length = starts[index + 1] - start
            guard length == bytes.count, let base = bytes.baseAddress else { return false }
            return ByteBuffer.equal(packed + start, base, count: length)
        }
    }

    fileprivate static let none: Int8 = -1, several: Int8 = -2
    private static let slotCount = 64

    public init(_ names: [String]) {
        self.names = names
        let packedNames = names.flatMap { Array($0.utf8) }
        let packed = UnsafeMutablePointer<UInt8>.allocate(capacity: max(packedNames.count, 1))
        packed.initialize(from: packedNames, count: packedNames.count)
        let starts = UnsafeMutablePointer<Int>.allocate(capacity: names.count + 1)
        starts[0] = 0
        for (index, name) in names.enumerated() { (starts + index + 1).initialize(to: starts[index] + name.utf8.count) }
        var table = [Int8](repeating: KeySet.none, count: KeySet.slotCount)
        for (index, name) in names.enumerated() {
            let bytes = Array(name.utf8)
            guard let first = bytes.first, let last = bytes.last, index <= Int(Int8.max) else {
                table = [Int8](repeating: KeySet.several, count: KeySet.slotCount)
                break
            }
            let slot = KeySet.slot(count: bytes.count, first: first, last: last)
            table[slot] = table[slot] == KeySet.none ? Int8(index) : KeySet.several
        }
        let slots = UnsafeMutablePointer<Int8>.allocate(capacity: KeySet.slotCount)
        slots.initialize(from: table, count: KeySet.slotCount)
        lookup = Lookup(packed: packed, starts: starts, slots: slots, count: names.count)
    }

    public required convenience init(arrayLiteral names: String...) { self.init(names) }

    deinit {
        lookup.packed.deallocate()
        lookup.starts.deallocate()
        lookup.slots.deallocate()
    }

    fileprivate static func slot(count: Int, first: UInt8, last: UInt8) -> Int {
        (count &* 7 &+ Int(first) &* 3 &+ Int(last)) & 63
    }

    /// The position in `names` of the name these bytes spell, if any.
    public func index(of bytes: UnsafeBufferPointer<UInt8>) -> Int? { lookup.index(of: bytes) }
}
