/// Decimal text of whole numbers, written into memory the caller provides:
/// messages and reports print hundreds of thousands of numbers, and a `String`
/// for each would cost more than the digits.
public enum DecimalText {
    /// The most bytes `write` writes: a sign and 19 digits.
    public static let maxLength = 20

    /// Writes `value` at `target`, at least `minimumDigits` digits (leading
    /// zeros), and returns how many bytes it wrote.
    public static func write(_ value: Int64, minimumDigits: Int = 1, to target: UnsafeMutablePointer<UInt8>) -> Int {
        var count = 0
        if value < 0 {
            target[0] = UInt8(ascii: "-")
            count = 1
        }
        // Dividing by the constant 10 compiles to a multiplication; dividing
        // by a power of ten held in a variable, as a left-to-right writer
        // would, is a real division per digit.
        var magnitude = value.magnitude
        var digits = 1, probe = magnitude
        while probe >= 10 {
            probe /= 10
            digits += 1
        }
        digits = max(digits, minimumDigits)
        var position = count + digits
        while position > count {
            position -= 1
            target[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
        }
        return count + digits
    }

    /// `body` with the decimal text of `value`.
    // Inlinable for the same reason as `Duration.withSpelling`.
    @inlinable
    public static func withText<T>(of value: Int64, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxLength) { buffer in
            guard let base = buffer.baseAddress else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
            return body(UnsafeBufferPointer(start: base, count: write(value, to: base)))
        }
    }
}
