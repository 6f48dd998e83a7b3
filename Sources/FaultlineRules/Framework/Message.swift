public import FaultlineModel

/// A finding's message. Rules write it as an ordinary interpolated string
/// literal; the pieces go straight into one byte buffer and end as one exactly
/// sized array of UTF-8, which the finding keeps and the JSON report copies as
/// it is. A large topology has hundreds of thousands of findings, and
/// `String`'s own interpolation spends more on each append than on the bytes
/// appended (and validates the result again when it holds `×` or `—`).
public struct Message: ExpressibleByStringInterpolation, Sendable {
    /// UTF-8.
    public let bytes: [UInt8]

    public init(_ text: String) { bytes = Array(text.utf8) }
    public init(stringLiteral value: StaticString) { bytes = value.withUTF8Buffer { Array($0) } }
    public init(stringInterpolation: Interpolation) { bytes = stringInterpolation.finish() }

    public var text: String { String(decoding: bytes, as: UTF8.self) }

    public struct Interpolation: StringInterpolationProtocol {
        public typealias StringLiteralType = StaticString

        // Owned by this value alone: the compiler builds one interpolation,
        // appends to it in place and hands it to `Message.init` once.
        private var base: UnsafeMutablePointer<UInt8>
        private var count = 0
        private var capacity: Int

        public init(literalCapacity: Int, interpolationCount: Int) {
            capacity = max(64, literalCapacity + interpolationCount * 24)
            base = .allocate(capacity: capacity)
        }

        private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
            if count + bytes.count > capacity {
                var grown = capacity * 2
                while grown < count + bytes.count { grown *= 2 }
                let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
                larger.update(from: base, count: count)
                base.deallocate()
                base = larger
                capacity = grown
            }
            (base + count).update(from: source, count: bytes.count)
            count += bytes.count
        }

        public mutating func appendLiteral(_ literal: StaticString) {
            literal.withUTF8Buffer { append($0) }
        }

        public mutating func appendInterpolation(_ text: String) {
            var text = text
            text.withUTF8 { append($0) }
        }

        public mutating func appendInterpolation(_ number: Int) {
            DecimalText.withText(of: Int64(number)) { append($0) }
        }

        public mutating func appendInterpolation(_ label: Label) {
            appendInterpolation(label.service)
            guard let operation = label.operation else { return }
            switch label.style {
            case .dotted:
                appendLiteral(".")
                appendInterpolation(operation)
            case .parenthesized:
                appendLiteral(" (")
                appendInterpolation(operation)
                appendLiteral(")")
            }
        }

        public mutating func appendInterpolation(_ message: Message) {
            message.bytes.withUnsafeBufferPointer { append($0) }
        }

        public mutating func appendInterpolation(_ duration: Duration) {
            duration.withSpelling { append($0) }
        }

        public mutating func appendInterpolation<Value: CustomStringConvertible>(_ value: Value) {
            appendInterpolation(value.description)
        }

        /// The bytes, and the buffer freed.
        fileprivate func finish() -> [UInt8] {
            defer { base.deallocate() }
            return Array(UnsafeBufferPointer(start: base, count: count))
        }
    }
}

/// A service and, when there is one, an operation of it, as messages name
/// them: "payments (Charge)" where a call is made, "payments.Charge" for
/// what a call reaches. Written into a message piece by piece, without
/// making a `String` for each finding.
public struct Label: CustomStringConvertible, Sendable {
    public enum Style: Sendable { case dotted, parenthesized }

    public let service: String
    public let operation: String?
    public let style: Style

    public init(service: String, operation: String?, style: Style) {
        self.service = service
        self.operation = operation
        self.style = style
    }

    public var description: String {
        guard let operation else { return service }
        return style == .dotted ? "\(service).\(operation)" : "\(service) (\(operation))"
    }
}
