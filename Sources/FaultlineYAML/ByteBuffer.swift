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
        ByteBuffer.copy(source, to: base + count, count: bytes.count)
        storedCount += bytes.count
    }

    /// Copies bytes between buffers that do not overlap. Most pieces are a few
    /// to a few dozen bytes, for which calling `memcpy` costs more than the
    /// copy: up to 32 bytes are moved as two overlapping words or vectors,
    /// reading and writing only inside both ranges.
    @inlinable @inline(__always)
    public static func copy(_ source: UnsafePointer<UInt8>, to target: UnsafeMutablePointer<UInt8>, count: Int) {
        let from = UnsafeRawPointer(source), to = UnsafeMutableRawPointer(target)
        switch count {
        case 16...32:
            let head = from.loadUnaligned(as: SIMD16<UInt8>.self)
            let tail = from.loadUnaligned(fromByteOffset: count - 16, as: SIMD16<UInt8>.self)
            to.storeBytes(of: head, as: SIMD16<UInt8>.self)
            to.storeBytes(of: tail, toByteOffset: count - 16, as: SIMD16<UInt8>.self)
        case 8..<16:
            let head = from.loadUnaligned(as: UInt64.self)
            let tail = from.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            to.storeBytes(of: head, as: UInt64.self)
            to.storeBytes(of: tail, toByteOffset: count - 8, as: UInt64.self)
        case 4..<8:
            let head = from.loadUnaligned(as: UInt32.self)
            let tail = from.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
            to.storeBytes(of: head, as: UInt32.self)
            to.storeBytes(of: tail, toByteOffset: count - 4, as: UInt32.self)
        case 1..<4:
            for index in 0..<count { target[index] = source[index] }
        case 0:
            break
        default:
            target.update(from: source, count: count)
        }
    }

    /// Whether `count` bytes at `one` and `other` are equal. Keys and names
    /// are mostly under 32 bytes, and the loader compares millions of them:
    /// for those, calling `memcmp` costs more than comparing two overlapping
    /// words or vectors in place.
    @inlinable @inline(__always)
    public static func equal(_ one: UnsafePointer<UInt8>, _ other: UnsafePointer<UInt8>, count: Int) -> Bool {
        let a = UnsafeRawPointer(one), b = UnsafeRawPointer(other)
        func word(_ base: UnsafeRawPointer, _ offset: Int) -> UInt64 { base.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }
        switch count {
        case 16...32:
            return (word(a, 0) ^ word(b, 0)) | (word(a, 8) ^ word(b, 8))
                | (word(a, count - 16) ^ word(b, count - 16)) | (word(a, count - 8) ^ word(b, count - 8)) == 0
        case 8..<16:
            return (word(a, 0) ^ word(b, 0)) | (word(a, count - 8) ^ word(b, count - 8)) == 0
        case 4..<8:
            let head = a.loadUnaligned(as: UInt32.self) ^ b.loadUnaligned(as: UInt32.self)
            let tail = a.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self) ^ b.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
            return head | tail == 0
        case 1..<4:
            // First, middle and last byte: with three or fewer, that is all of them.
            return one[0] == other[0] && one[count / 2] == other[count / 2] && one[count - 1] == other[count - 1]
        case 0:
            return true
        default:
            return memcmp(one, other, count) == 0
        }
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

extension String {
    /// `body` with the string's UTF-8, borrowed in place where the string
    /// keeps it contiguously (native strings do). Names are shared by the
    /// findings and messages made on both cores, and `withUTF8` on a copy
    /// would retain and release the storage each time: one reference count
    /// written by both. Only a bridged or lazily made string is copied.
    @inlinable
    public func withUTF8InPlace<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        if let result = utf8.withContiguousStorageIfAvailable(body) { return result }
        var text = self
        return text.withUTF8(body)
    }
}
