#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Trivial values — nodes, child ids, scalar bytes — in one allocation that
/// grows in place. The tree builder appends a few of them for every one of
/// millions of events, and an `Array` held by the builder asks the runtime
/// whether its storage is unique on every append: that, with the capacity
/// checks around it, cost more than the writes (about 150 instructions per
/// scalar event). Here an append is a capacity check and a store.
///
/// A class, so that a finished document takes the builder's storage as it is,
/// without a copy, and its twins share it. Once a document holds it nothing
/// writes to it again, which is what makes reading it from several threads
/// safe (hence `@unchecked Sendable`). Large stores grow with `realloc`, which
/// glibc serves with `mremap`: the pages move, their bytes are not copied.
@usableFromInline
final class TrivialArray<Element: BitwiseCopyable>: @unchecked Sendable {
    // Every access goes through these three; the builder owns the store alone
    // while it writes, so the runtime's exclusivity bookkeeping is skipped.
    @usableFromInline @exclusivity(unchecked) private(set) var base: UnsafeMutablePointer<Element>
    @usableFromInline @exclusivity(unchecked) private(set) var count = 0
    @exclusivity(unchecked) private var capacity: Int

    init(capacity: Int = 0) {
        self.capacity = max(capacity, 16)
        base = TrivialArray.allocate(self.capacity)
    }

    /// A copy of `other`'s elements, with room for `extra` more.
    init(copying other: TrivialArray<Element>, reserving extra: Int = 0) {
        capacity = max(other.count + extra, 16)
        base = TrivialArray.allocate(capacity)
        base.update(from: other.base, count: other.count)
        count = other.count
    }

    deinit { free(base) }

    private static func allocate(_ capacity: Int) -> UnsafeMutablePointer<Element> {
        guard let memory = malloc(capacity * MemoryLayout<Element>.stride) else { fatalError("out of memory") }
        return memory.bindMemory(to: Element.self, capacity: capacity)
    }

    @inlinable
    subscript(index: Int) -> Element {
        get {
            precondition(UInt(bitPattern: index) < UInt(bitPattern: count), "index out of range")
            return base[index]
        }
        set {
            precondition(UInt(bitPattern: index) < UInt(bitPattern: count), "index out of range")
            base[index] = newValue
        }
    }

    /// Elements `range`, valid until the store next grows.
    @inlinable
    func elements(_ range: Range<Int>) -> UnsafeBufferPointer<Element> {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "range out of range")
        return UnsafeBufferPointer(start: base + range.lowerBound, count: range.count)
    }

    /// Every element, to rewrite in place; valid until the store next grows.
    var mutableElements: UnsafeMutableBufferPointer<Element> {
        UnsafeMutableBufferPointer(start: base, count: count)
    }

    @inline(__always)
    func append(_ element: Element) {
        if count == capacity { grow(toHold: count + 1) }
        (base + count).initialize(to: element)
        count += 1
    }

    func append(contentsOf elements: UnsafeBufferPointer<Element>) {
        guard let source = elements.baseAddress, !elements.isEmpty else { return }
        if count + elements.count > capacity { grow(toHold: count + elements.count) }
        (base + count).initialize(from: source, count: elements.count)
        count += elements.count
    }

    func append(contentsOf elements: [Element]) {
        elements.withUnsafeBufferPointer { append(contentsOf: $0) }
    }

    /// The bytes of one scalar: a few to a few dozen, moved without calling `memcpy`.
    @inline(__always)
    func appendBytes(_ bytes: UnsafeBufferPointer<UInt8>) where Element == UInt8 {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        if count + bytes.count > capacity { grow(toHold: count + bytes.count) }
        ByteBuffer.copy(source, to: base + count, count: bytes.count)
        count += bytes.count
    }

    func reserveCapacity(_ minimum: Int) {
        if minimum > capacity { resize(to: minimum) }
    }

    /// Drops the elements from `newCount` on.
    @inline(__always)
    func removeLast(from newCount: Int) {
        precondition(newCount >= 0 && newCount <= count, "count out of range")
        count = newCount
    }

    private func grow(toHold needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        resize(to: newCapacity)
    }

    private func resize(to newCapacity: Int) {
        guard let memory = realloc(base, newCapacity * MemoryLayout<Element>.stride) else { fatalError("out of memory") }
        base = memory.bindMemory(to: Element.self, capacity: newCapacity)
        capacity = newCapacity
    }
}

/// A finished store's elements, read through a pointer with their bounds
/// checked. A document's accessors load no class reference on the way to a
/// node: the loader reads the same document on both cores, and a reference
/// loaded there is a reference count that both cores would write.
@usableFromInline
struct StoredElements<Element: BitwiseCopyable>: @unchecked Sendable, BitwiseCopyable {
    @usableFromInline let base: UnsafePointer<Element>
    @usableFromInline let count: Int

    /// Valid as long as `store` lives and does not grow.
    init(_ store: TrivialArray<Element>) {
        base = UnsafePointer(store.base)
        count = store.count
    }

    @inlinable
    subscript(index: Int) -> Element {
        precondition(UInt(bitPattern: index) < UInt(bitPattern: count), "index out of range")
        return base[index]
    }

    @inlinable
    func elements(_ range: Range<Int>) -> UnsafeBufferPointer<Element> {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "range out of range")
        return UnsafeBufferPointer(start: base + range.lowerBound, count: range.count)
    }
}
