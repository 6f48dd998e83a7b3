import FaultlineYAML
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Declared names, found by their UTF-8 bytes: a large topology declares tens
/// of thousands of names and names a call's target a quarter of a million
/// times, and a `String` made, checked and hashed for each costs more than
/// reading the call. The loader declares names into it as it meets them
/// (a name already here is a duplicate declaration), then looks references
/// up. A name found here is a declared (so valid) name; anything else takes
/// the ordinary path, which explains what is wrong.
///
/// Raw memory, owned by one thread at a time: the halves of a load each read
/// their own copy without touching a shared reference count.
final class NameTable: @unchecked Sendable {
    /// Ids by hash, open addressing; -1 is empty. At most half full.
    private var slots: UnsafeMutableBufferPointer<Int32>
    /// Every name's bytes, one after another; name `i` is `bytes[starts[i]..<starts[i + 1]]`.
    private var bytes: UnsafeMutableBufferPointer<UInt8>
    private var starts: UnsafeMutableBufferPointer<Int32>
    /// How many names have an id.
    private(set) var count = 0

    /// The names in order, each with the next id; a repeated name keeps its first.
    init(names: [String] = []) {
        slots = .allocate(capacity: NameTable.slotCount(for: names.count))
        slots.initialize(repeating: -1)
        bytes = .allocate(capacity: max(64, names.reduce(0) { $0 + $1.utf8.count }))
        starts = .allocate(capacity: names.count + 1)
        starts[0] = 0
        for name in names { add(name) }
    }

    /// A copy for another thread.
    init(copying other: NameTable) {
        slots = .allocate(capacity: other.slots.count)
        _ = slots.initialize(fromContentsOf: other.slots)
        bytes = .allocate(capacity: other.bytes.count)
        _ = bytes.initialize(fromContentsOf: other.bytes)
        starts = .allocate(capacity: other.starts.count)
        _ = starts.initialize(fromContentsOf: other.starts)
        count = other.count
    }

    deinit {
        slots.deallocate()
        bytes.deallocate()
        starts.deallocate()
    }

    /// Room for `more` names beyond those present, made at once rather than
    /// by doubling as they are added.
    func reserve(_ more: Int) {
        let needed = NameTable.slotCount(for: count + more)
        guard needed > slots.count else { return }
        replaceSlots(count: needed)
        if count + more + 1 > starts.count { starts = NameTable.grown(starts, toHold: count + more + 1) }
    }

    /// New, empty slots, and every name placed in them again.
    private func replaceSlots(count slotCount: Int) {
        slots.deallocate()
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: -1)
        place(0..<count)
    }

    private static func slotCount(for names: Int) -> Int {
        1 << (Int.bitWidth - max(8, 2 * names).leadingZeroBitCount)
    }

    /// Gives `name` the next id unless it is here already, and returns its id.
    @discardableResult
    func add(_ name: String) -> Int {
        var name = name
        return name.withUTF8 { addIfAbsent($0, hash: NameTable.hash($0)).id }
    }

    /// Gives `name` the next id unless it is here already; returns its id and
    /// whether it was added. One probe, on a hash (`hash(of:)`) the caller
    /// may have computed on another thread: declaring a large topology's
    /// names is the one part of the load that runs on one core.
    func addIfAbsent(_ name: UnsafeBufferPointer<UInt8>, hash: Int) -> (id: Int, added: Bool) {
        if 2 * (count + 1) > slots.count { replaceSlots(count: NameTable.slotCount(for: count + 1)) }
        var slot = hash & (slots.count - 1)
        while slots[slot] >= 0 {
            if equal(Int(slots[slot]), name) { return (Int(slots[slot]), false) }
            slot = (slot + 1) & (slots.count - 1)
        }
        let id = count
        let start = Int(starts[id])
        if start + name.count > bytes.count { bytes = NameTable.grown(bytes, toHold: start + name.count) }
        if id + 2 > starts.count { starts = NameTable.grown(starts, toHold: id + 2) }
        if let source = name.baseAddress, let target = bytes.baseAddress {
            (target + start).initialize(from: source, count: name.count)
        }
        starts[id + 1] = Int32(start + name.count)
        count += 1
        slots[slot] = Int32(id)
        return (id, true)
    }

    /// The hash `addIfAbsent` takes.
    static func hash(of name: String) -> Int {
        var name = name
        return name.withUTF8 { hash($0) }
    }

    func id(of name: UnsafeBufferPointer<UInt8>) -> Int? {
        var slot = NameTable.hash(name) & (slots.count - 1)
        while slots[slot] >= 0 {
            if equal(Int(slots[slot]), name) { return Int(slots[slot]) }
            slot = (slot + 1) & (slots.count - 1)
        }
        return nil
    }

    func id(of name: String) -> Int? {
        var name = name
        return name.withUTF8 { id(of: $0) }
    }

    /// Puts the names with these ids into empty slots (the names are distinct).
    private func place(_ ids: Range<Int>) {
        for id in ids {
            var slot = NameTable.hash(name(id)) & (slots.count - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (slots.count - 1) }
            slots[slot] = Int32(id)
        }
    }

    private static func grown<Element>(_ buffer: UnsafeMutableBufferPointer<Element>, toHold needed: Int) -> UnsafeMutableBufferPointer<Element> {
        var capacity = max(buffer.count * 2, 8)
        while capacity < needed { capacity *= 2 }
        let larger = UnsafeMutableBufferPointer<Element>.allocate(capacity: capacity)
        _ = larger.initialize(fromContentsOf: buffer)
        buffer.deallocate()
        return larger
    }

    private func name(_ id: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[Int(starts[id])..<Int(starts[id + 1])])
    }

    private func equal(_ id: Int, _ name: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = Int(starts[id]), end = Int(starts[id + 1])
        guard end - start == name.count else { return false }
        guard let stored = bytes.baseAddress, let other = name.baseAddress else { return true }
        return ByteBuffer.equal(stored + start, other, count: name.count)
    }

    /// FNV-1a from a starting value drawn once per process: the table only
    /// decides where to look, so any spread will do, but with a fixed start a
    /// file could hold thousands of names made to land in one slot, and every
    /// lookup would walk all of them. (Swift's seeded `Hasher` added 5 % to
    /// the load's instructions.)
    private static let basis = UInt64.random(in: .min ... .max)

    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var hash = basis
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: hash ^ (hash >> 29))
    }
}
