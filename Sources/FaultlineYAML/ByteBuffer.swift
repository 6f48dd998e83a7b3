#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Growable bytes whose appends are a bounds check and a `memcpy`. The parser
/// copies millions of scalars and reports append millions of short pieces; an
/// array spends more on checking its uniqueness and capacity per call than on
/// copying the bytes. Inlinable, as its callers live in other modules.
public struct ByteBuffer: ~Copyable {
    @usableFromInline var base: UnsafeMutablePointer<UInt8>
    @usableFromInline var storedCount = 0
    @inlinable public var count: Int { storedCount }
    @usableFromInline var capacity: Int

    public init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    @inlinable public var isEmpty: Bool { count == 0 }

    @inlinable
    public mutating func append(_ byte: UInt8) {
        if count == capacity { grow(toHold: count + 1) }
        base[count] = byte
        storedCount += 1
    }

    @inlinable
    public mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        if count + bytes.count > capacity { grow(toHold: count + bytes.count) }
        (base + count).update(from: source, count: bytes.count)
        storedCount += bytes.count
    }

    @inlinable
    public mutating func append(_ literal: StaticString) {
        append(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    @usableFromInline
    mutating func grow(toHold needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.update(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = newCapacity
    }

    public mutating func removeAll() { storedCount = 0 }

    /// The bytes, valid until the buffer next changes.
    @inlinable
    public var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    public func withBytes<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) -> T { body(bytes) }

    public var text: String { String(decoding: bytes, as: UTF8.self) }
}
