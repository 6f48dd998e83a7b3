/// Makes the messages of one rule's findings when they are read, rather than
/// when the findings are made.
///
/// The rules that report on every call of a large topology (a quarter of a
/// million findings at 50 000 services) wrote a message of about 300 bytes
/// into each finding: two thirds of the findings' memory, on fresh pages the
/// rules wrote once and the report read once, and a fifth of the rules'
/// time. A finding with a source keeps two numbers instead (the call, and a
/// detail such as the operation it reaches), and the rule's source makes the
/// same text from them whenever the message is read — by the report, as it
/// writes it, on every core.
///
/// `make` runs on any thread, any number of times, after the rule has run:
/// it may only read what does not change once the rules are done (the
/// topology, the analysis, tables the rule filled before returning).
public final class MessageSource: Sendable {
    /// What a message is made from: two numbers the rule chooses.
    public struct Subject: Sendable, Equatable {
        public var first: Int
        public var second: Int

        public init(_ first: Int, _ second: Int = 0) {
            self.first = first
            self.second = second
        }

        /// Read back from a finding's storage, where it is kept as bytes.
        init(stored: UnsafeRawPointer) {
            first = stored.loadUnaligned(as: Int.self)
            second = stored.loadUnaligned(fromByteOffset: MemoryLayout<Int>.size, as: Int.self)
        }

        /// The bytes a finding keeps in place of a message.
        func withStoredBytes<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
            withUnsafeBytes(of: (first, second)) { raw in
                body(UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: UInt8.self), count: raw.count))
            }
        }
    }

    private let make: @Sendable (Subject) -> Message

    public init(_ make: @escaping @Sendable (Subject) -> Message) {
        self.make = make
    }

    func message(_ subject: Subject) -> Message { make(subject) }
}
