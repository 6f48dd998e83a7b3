/// A span of time held exactly, in integer microseconds, so that thresholds
/// compare exactly (`4.1s` equals `4100ms`).
public struct Duration: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let microseconds: Int64

    public init(microseconds: Int64) { self.microseconds = microseconds }

    public static func milliseconds(_ value: Int64) -> Duration { Duration(microseconds: value * 1_000) }
    public static func seconds(_ value: Int64) -> Duration { Duration(microseconds: value * 1_000_000) }
    public static let zero = Duration(microseconds: 0)

    public static func < (lhs: Duration, rhs: Duration) -> Bool { lhs.microseconds < rhs.microseconds }

    /// Sums saturate: a worst case too long to hold is still "too long", never negative.
    public static func + (lhs: Duration, rhs: Duration) -> Duration {
        let (sum, overflow) = lhs.microseconds.addingReportingOverflow(rhs.microseconds)
        return Duration(microseconds: overflow ? .max : sum)
    }

    public static func * (lhs: Duration, rhs: Int) -> Duration {
        let (product, overflow) = lhs.microseconds.multipliedReportingOverflow(by: Int64(rhs))
        return Duration(microseconds: overflow ? .max : product)
    }

    /// The shortest exact spelling in the topology's own units: `250ms`, `1.5s`, `2m`.
    public var description: String { withSpelling { String(decoding: $0, as: UTF8.self) } }

    /// `body` with the UTF-8 of `description`, written without making a
    /// `String`: messages print durations hundreds of thousands of times.
    // Inlinable so each caller gets its own specialisation: unspecialised, every
    // call paid for runtime generic metadata of the temporary allocation.
    @inlinable
    public func withSpelling<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        if let index = DurationSpellings.index(of: microseconds) { return DurationSpellings.common.withSpelling(at: index, body) }
        return withComputedSpelling(body)
    }

    /// `withSpelling`, worked out digit by digit: about 260 instructions,
    /// where a message's usual durations are looked up in `DurationSpellings`.
    @inlinable
    func withComputedSpelling<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        guard let spelling else {
            let forever: StaticString = "more than 292000 years"
            return body(UnsafeBufferPointer(start: forever.utf8Start, count: forever.utf8CodeUnitCount))
        }
        // Digits of the whole part, a point and six fraction digits, a unit.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: DecimalText.maxLength + 10) { buffer in
            guard let base = buffer.baseAddress else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
            var count = DecimalText.write(spelling.whole, to: base)
            if spelling.fractionDigits > 0 {
                base[count] = UInt8(ascii: ".")
                count += 1
                count += DecimalText.write(spelling.fraction, minimumDigits: spelling.fractionDigits, to: base + count)
            }
            (base + count).update(from: spelling.unit.utf8Start, count: spelling.unit.utf8CodeUnitCount)
            count += spelling.unit.utf8CodeUnitCount
            return body(UnsafeBufferPointer(start: base, count: count))
        }
    }

    /// The spelling in parts, `whole[.fraction]unit`: the fraction has
    /// `fractionDigits` digits, leading zeros included, and no trailing zeros;
    /// nil for the saturated "forever".
    @usableFromInline var spelling: (whole: Int64, fraction: Int64, fractionDigits: Int, unit: StaticString)? {
        let us = microseconds
        if us == .max { return nil }
        // Sizes first: most durations are under a minute, and the remainder is the dearer test.
        if us >= 3_600_000_000 && us % 3_600_000_000 == 0 { return (us / 3_600_000_000, 0, 0, "h") }
        if us >= 60_000_000 && us % 60_000_000 == 0 { return (us / 60_000_000, 0, 0, "m") }
        if us >= 1_000_000 { return Duration.decimal(us, unit: 1_000_000, digits: 6, name: "s") }
        if us % 1_000 == 0 { return (us / 1_000, 0, 0, "ms") }
        return Duration.decimal(us, unit: 1_000, digits: 3, name: "ms")
    }

    private static func decimal(_ value: Int64, unit: Int64, digits: Int, name: StaticString)
        -> (whole: Int64, fraction: Int64, fractionDigits: Int, unit: StaticString) {
        var fraction = value % unit, width = digits
        while fraction != 0 && fraction % 10 == 0 { fraction /= 10; width -= 1 }
        return (value / unit, fraction, fraction == 0 ? 0 : width, name)
    }
}

/// The spellings of the durations messages print most, made once: every
/// whole millisecond below a second and every multiple of 50 ms below a
/// minute (timeouts, backoffs and the worst cases they add up to). A large
/// topology's messages print durations about half a million times.
@usableFromInline
final class DurationSpellings: @unchecked Sendable {
    @usableFromInline static let common = DurationSpellings()

    @usableFromInline static let wholeMilliseconds = 1_000
    @usableFromInline static let stepMilliseconds: Int64 = 50
    @usableFromInline static let limitMilliseconds: Int64 = 60_000
    static let count = wholeMilliseconds + Int((limitMilliseconds - 1_000) / stepMilliseconds)

    /// Each entry's offset into `bytes` (high bits) and length (low 8 bits).
    // Written only while the table is made; read-only after, by every thread.
    @usableFromInline let entries: UnsafeMutablePointer<UInt32>
    @usableFromInline let bytes: UnsafeMutablePointer<UInt8>

    private init() {
        entries = .allocate(capacity: DurationSpellings.count)
        bytes = .allocate(capacity: DurationSpellings.count * 8)
        var offset = 0
        for index in 0..<DurationSpellings.count {
            let milliseconds = index < DurationSpellings.wholeMilliseconds
                ? Int64(index) : 1_000 + Int64(index - DurationSpellings.wholeMilliseconds) * DurationSpellings.stepMilliseconds
            let length = Duration.milliseconds(milliseconds).withComputedSpelling { spelling in
                guard let base = spelling.baseAddress else { return 0 }
                (bytes + offset).initialize(from: base, count: spelling.count)
                return spelling.count
            }
            entries[index] = UInt32(offset) << 8 | UInt32(length)
            offset += length
        }
    }

    /// The entry of a duration the table holds, or nil.
    @inlinable @inline(__always)
    static func index(of microseconds: Int64) -> Int? {
        guard microseconds >= 0, microseconds < limitMilliseconds * 1_000, microseconds % 1_000 == 0 else { return nil }
        let milliseconds = microseconds / 1_000
        if milliseconds < Int64(wholeMilliseconds) { return Int(milliseconds) }
        guard milliseconds % stepMilliseconds == 0 else { return nil }
        return wholeMilliseconds + Int((milliseconds - 1_000) / stepMilliseconds)
    }

    @inlinable @inline(__always)
    func withSpelling<T>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        let entry = entries[index]
        return body(UnsafeBufferPointer(start: bytes + Int(entry >> 8), count: Int(entry & 0xFF)))
    }
}

/// Parsing of the topology's duration syntax: a number and a unit.
public enum DurationSyntax {
    public enum Failure: Error, Equatable, Sendable {
        case missingUnit(suggestion: String)
        case space(suggestion: String)
        case negative
        case malformed
        case unknownUnit(String, suggestion: String?)
        case tooPrecise
        case tooLong
    }

    static let units: [(name: String, microseconds: Int64)] = [("ms", 1_000), ("s", 1_000_000), ("m", 60_000_000), ("h", 3_600_000_000)]

    public static func parse(_ text: String) -> Result<Duration, Failure> {
        var text = text
        if let duration = text.withUTF8({ parseWellFormed($0) }) { return .success(duration) }
        let trimmed = text
        if trimmed.hasPrefix("-") { return .failure(.negative) }
        var number = Substring(trimmed)
        var unit = Substring("")
        if let unitStart = trimmed.firstIndex(where: { !($0.isASCII && ($0.isNumber || $0 == ".")) }) {
            number = trimmed[..<unitStart]
            unit = trimmed[unitStart...]
        }
        if number.isEmpty || number.filter({ $0 == "." }).count > 1 || number.hasPrefix(".") || number.hasSuffix(".") {
            return .failure(.malformed)
        }
        if unit.isEmpty {
            return .failure(.missingUnit(suggestion: guessUnit(String(number))))
        }
        if unit.first == " " {
            let rest = unit.drop(while: { $0 == " " })
            if units.contains(where: { $0.name == rest }) { return .failure(.space(suggestion: "\(number)\(rest)")) }
            return .failure(.malformed)
        }
        guard let scale = units.first(where: { $0.name == unit })?.microseconds else {
            let known: [String: String] = ["sec": "s", "secs": "s", "second": "s", "seconds": "s", "msec": "ms",
                                           "millis": "ms", "min": "m", "mins": "m", "minute": "m", "minutes": "m",
                                           "hr": "h", "hour": "h", "hours": "h", "S": "s", "MS": "ms", "Ms": "ms"]
            if unit.contains(where: { !$0.isLetter }) { return .failure(.malformed) }
            return .failure(.unknownUnit(String(unit), suggestion: known[String(unit)].map { "\(number)\($0)" }))
        }
        return exact(number, scale: scale)
    }

    /// The common case, straight from the bytes: digits, an optional fraction,
    /// and one of the four units. Anything else (including every error) is left
    /// to the full parser, which explains what is wrong. Nothing is allocated:
    /// a large topology has hundreds of thousands of durations.
    public static func parseWellFormed(_ bytes: UnsafeBufferPointer<UInt8>) -> Duration? {
        let count = bytes.count
        var index = 0
        var whole: Int64 = 0, wholeDigits = 0
        while index < count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
            whole = whole * 10 + Int64(bytes[index] - 0x30)
            wholeDigits += 1
            if wholeDigits > 15 { return nil }
            index += 1
        }
        guard wholeDigits > 0 else { return nil }
        var fraction = index..<index
        if index < count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            fraction = fractionStart..<index
            if fraction.isEmpty { return nil }
        }
        let scale: Int64
        switch count - index {
        case 1:
            switch bytes[index] {
            case UInt8(ascii: "s"): scale = 1_000_000
            case UInt8(ascii: "m"): scale = 60_000_000
            case UInt8(ascii: "h"): scale = 3_600_000_000
            default: return nil
            }
        case 2:
            guard bytes[index] == UInt8(ascii: "m"), bytes[index + 1] == UInt8(ascii: "s") else { return nil }
            scale = 1_000
        default:
            return nil
        }
        let limit: Int64 = 366 * 24 * 3_600_000_000
        guard whole <= limit / scale else { return nil }
        var total = whole * scale
        var fractionScale = scale
        for position in fraction {
            let digit = Int64(bytes[position] - 0x30)
            if fractionScale % 10 != 0 {
                if digit != 0 { return nil }
                continue
            }
            fractionScale /= 10
            total += digit * fractionScale
        }
        return total > limit ? nil : Duration(microseconds: total)
    }

    private static func exact(_ number: Substring, scale: Int64) -> Result<Duration, Failure> {
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        guard let wholeText = parts.first, wholeText.count <= 15, let whole = Int64(wholeText) else { return .failure(.tooLong) }
        var total = whole.multipliedReportingOverflow(by: scale)
        if total.overflow { return .failure(.tooLong) }
        if parts.count == 2 {
            // The fraction F/10^d of the unit is exact when F·scale is a multiple of 10^d;
            // dividing both by their gcd first keeps every product in range.
            var digits = Array(parts[1])
            guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return .failure(.malformed) }
            while digits.last == "0" { digits.removeLast() }
            if !digits.isEmpty {
                guard digits.count <= 18, let fraction = Int64(String(digits)) else { return .failure(.tooPrecise) }
                var power: Int64 = 1
                for _ in digits { power *= 10 }
                let divisor = gcd(scale, power)
                let (unitPart, denominator) = (scale / divisor, power / divisor)
                guard fraction % denominator == 0 else { return .failure(.tooPrecise) }
                let (micro, overflow) = (fraction / denominator).multipliedReportingOverflow(by: unitPart)
                let added = total.partialValue.addingReportingOverflow(micro)
                if overflow || added.overflow { return .failure(.tooLong) }
                total = (added.partialValue, false)
            }
        }
        // Nothing in a topology is meaningfully longer than a year; longer is a typo.
        if total.partialValue > 366 * 24 * 3_600_000_000 { return .failure(.tooLong) }
        return .success(Duration(microseconds: total.partialValue))
    }

    private static func gcd(_ a: Int64, _ b: Int64) -> Int64 {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }

    /// Small bare numbers are usually seconds, large ones milliseconds.
    private static func guessUnit(_ number: String) -> String {
        let value = Double(number) ?? 0
        return value >= 50 ? "\(number)ms" : "\(number)s"
    }
}
