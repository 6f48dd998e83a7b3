public import FaultlineModel
public import FaultlineGraph
import FaultlineYAML

/// A finding's message. Rules write it as an ordinary interpolated string
/// literal; the pieces go straight into one allocation that holds the count
/// and the UTF-8 bytes, which the finding copies once into its own storage.
/// A large topology has hundreds of thousands of findings, and `String`'s own
/// interpolation spends more on each append than on the bytes appended (and
/// validates the result again when it holds `×` or `—`).
///
/// Sendable by hand: the storage is written only by the interpolation that
/// makes it, before the message exists, and never after.
public struct Message: ExpressibleByStringInterpolation, @unchecked Sendable {
    private let storage: MessageStorage

    public init(_ text: String) {
        var text = text
        storage = text.withUTF8 { MessageStorage.make(copying: $0) }
    }

    public init(stringLiteral value: StaticString) {
        storage = value.withUTF8Buffer { MessageStorage.make(copying: $0) }
    }

    public init(stringInterpolation: Interpolation) {
        storage = stringInterpolation.storage
        storage.withUnsafeMutablePointerToHeader { $0.pointee.count = stringInterpolation.count }
    }

    /// The UTF-8 bytes, valid inside `body`.
    public func withBytes<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) -> T { storage.withBytes(body) }

    public var bytes: [UInt8] { withBytes { Array($0) } }

    /// The same message in an allocation of its exact size, for one that is
    /// kept (a finding copies its message and frees it, so those never are):
    /// the interpolation reserves room for the longest names.
    public func trimmed() -> Message {
        let (count, capacity) = storage.withUnsafeMutablePointerToHeader { ($0.pointee.count, $0.pointee.capacity) }
        return capacity - count <= 16 ? self : Message(storage: withBytes { MessageStorage.make(copying: $0) })
    }

    private init(storage: MessageStorage) { self.storage = storage }

    public var text: String { withBytes { String(decoding: $0, as: UTF8.self) } }

    public struct Interpolation: StringInterpolationProtocol {
        public typealias StringLiteralType = StaticString

        // Owned by this value alone: the compiler builds one interpolation,
        // appends to it in place and hands it to `Message.init` once.
        // The count is kept here and written to the storage's header once,
        // when the message is made: appends touch only the bytes.
        fileprivate var storage: MessageStorage
        fileprivate var count = 0
        private var capacity: Int

        public init(literalCapacity: Int, interpolationCount: Int) {
            capacity = max(64, literalCapacity + interpolationCount * 24)
            storage = .make(capacity: capacity)
        }

        private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
            if count + bytes.count > capacity {
                var grown = capacity * 2
                while grown < count + bytes.count { grown *= 2 }
                let written = count
                storage = storage.withUnsafeMutablePointerToElements {
                    MessageStorage.make(copying: UnsafeBufferPointer(start: $0, count: written), capacity: grown)
                }
                capacity = grown
            }
            let offset = count
            storage.withUnsafeMutablePointerToElements { ByteBuffer.copy(source, to: $0 + offset, count: bytes.count) }
            count += bytes.count
        }

        public mutating func appendLiteral(_ literal: StaticString) {
            literal.withUTF8Buffer { append($0) }
        }

        public mutating func appendInterpolation(_ text: String) {
            text.withUTF8InPlace { append($0) }
        }

        public mutating func appendInterpolation(_ number: Int) {
            DecimalText.withText(of: Int64(number)) { append($0) }
        }

        public mutating func appendInterpolation(_ label: Label) {
            append(label.service.bytes)
            guard let operation = label.operation else { return }
            switch label.style {
            case .dotted:
                appendLiteral(".")
                append(operation.bytes)
            case .parenthesized:
                appendLiteral(" (")
                append(operation.bytes)
                appendLiteral(")")
            }
        }

        /// A name read from the analysis's table (`NameBytes`), without a reference count.
        public mutating func appendInterpolation(_ name: NameText) {
            append(name.bytes)
        }

        /// `items` with `separator` between them, as `joined(separator:)`
        /// would give, without making the joined string.
        public mutating func appendInterpolation<Items: Sequence<String>>(joined items: Items, separator: StaticString = ", ") {
            var first = true
            for item in items {
                if !first { appendLiteral(separator) }
                first = false
                appendInterpolation(item)
            }
        }

        /// Names from the analysis's table, `separator` between them.
        public mutating func appendInterpolation<Items: Sequence<NameText>>(joined items: Items, separator: StaticString = ", ") {
            var first = true
            for item in items {
                if !first { appendLiteral(separator) }
                first = false
                append(item.bytes)
            }
        }

        public mutating func appendInterpolation(_ message: Message) {
            message.withBytes { append($0) }
        }

        public mutating func appendInterpolation(_ duration: Duration) {
            duration.withSpelling { append($0) }
        }

        public mutating func appendInterpolation<Value: CustomStringConvertible>(_ value: Value) {
            appendInterpolation(value.description)
        }
    }
}

/// A message's bytes and their count in one allocation.
private final class MessageStorage: ManagedBuffer<(count: Int, capacity: Int), UInt8> {
    static func make(capacity: Int) -> MessageStorage {
        let buffer = MessageStorage.create(minimumCapacity: capacity) { _ in (0, capacity) }
        return unsafeDowncast(buffer, to: MessageStorage.self)
    }

    static func make(copying bytes: UnsafeBufferPointer<UInt8>, capacity: Int? = nil) -> MessageStorage {
        let storage = make(capacity: max(capacity ?? bytes.count, bytes.count))
        if let source = bytes.baseAddress {
            storage.withUnsafeMutablePointerToElements { $0.initialize(from: source, count: bytes.count) }
        }
        storage.withUnsafeMutablePointerToHeader { $0.pointee.count = bytes.count }
        return storage
    }

    func withBytes<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        let count = withUnsafeMutablePointerToHeader { $0.pointee.count }
        return withUnsafeMutablePointerToElements { body(UnsafeBufferPointer(start: $0, count: count)) }
    }
}

/// A service and, when there is one, an operation of it, as messages name
/// them: "payments (Charge)" where a call is made, "payments.Charge" for
/// what a call reaches. Written into a message piece by piece, from the
/// analysis's table of names (valid while the analysis lives), without
/// making a `String` or touching a reference count for each finding.
public struct Label: CustomStringConvertible, Sendable {
    public enum Style: Sendable { case dotted, parenthesized }

    public let service: NameText
    public let operation: NameText?
    public let style: Style

    public init(service: NameText, operation: NameText?, style: Style) {
        self.service = service
        self.operation = operation
        self.style = style
    }

    public var description: String {
        guard let operation else { return service.text }
        return style == .dotted ? "\(service.text).\(operation.text)" : "\(service.text) (\(operation.text))"
    }
}
