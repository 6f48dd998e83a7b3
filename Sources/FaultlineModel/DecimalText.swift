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
        let magnitude = value.magnitude
        var scale: UInt64 = 1, digits = 1
        while magnitude / scale >= 10 || digits < minimumDigits {
            scale *= 10
            digits += 1
        }
        while scale > 0 {
            target[count] = UInt8(ascii: "0") + UInt8(magnitude / scale % 10)
            count += 1
            scale /= 10
        }
        return count
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
