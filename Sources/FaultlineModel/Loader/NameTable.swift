#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Declared names, found by their UTF-8 bytes: a large topology names a
/// call's target a quarter of a million times, and a `String` made, checked
/// and hashed for each costs more than reading the call. A name found here
/// is a declared (so valid) name; anything else takes the ordinary path,
/// which explains what is wrong.
///
/// Raw memory, read-only once built: the halves of a load each read their
/// own copy without touching a shared reference count.
final class NameTable: @unchecked Sendable {
    /// Ids by hash, open addressing; -1 is empty.
    private let slots: UnsafeMutableBufferPointer<Int32>
    /// Every name's bytes, one after another; name `i` is `bytes[starts[i]..<starts[i + 1]]`.
    private let bytes: UnsafeMutableBufferPointer<UInt8>
    private let starts: UnsafeMutableBufferPointer<Int32>

    /// `names[i]` gets id `i`; a repeated name keeps its first id.
    init(names: [String]) {
        let total = names.reduce(0) { $0 + $1.utf8.count }
        let bytes = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, total))
        starts = .allocate(capacity: names.count + 1)
        var offset = 0
        for (index, name) in names.enumerated() {
            starts[index] = Int32(offset)
            var name = name
            name.withUTF8 { utf8 in
                guard let source = utf8.baseAddress, let target = bytes.baseAddress else { return }
                (target + offset).initialize(from: source, count: utf8.count)
                offset += utf8.count
            }
        }
        self.bytes = bytes
        starts[names.count] = Int32(offset)
        slots = .allocate(capacity: 1 << (Int.bitWidth - max(8, 2 * names.count).leadingZeroBitCount))
        slots.initialize(repeating: -1)
        for id in names.indices {
            let name = UnsafeBufferPointer(rebasing: bytes[Int(starts[id])..<Int(starts[id + 1])])
            var slot = NameTable.hash(name) & (slots.count - 1)
            var isNew = true
            while slots[slot] >= 0 {
                if equal(Int(slots[slot]), name) { isNew = false; break }
                slot = (slot + 1) & (slots.count - 1)
            }
            if isNew { slots[slot] = Int32(id) }
        }
    }

    /// A copy for another thread.
    init(copying other: NameTable) {
        slots = .allocate(capacity: other.slots.count)
        _ = slots.initialize(fromContentsOf: other.slots)
        bytes = .allocate(capacity: other.bytes.count)
        _ = bytes.initialize(fromContentsOf: other.bytes)
        starts = .allocate(capacity: other.starts.count)
        _ = starts.initialize(fromContentsOf: other.starts)
    }

    deinit {
        slots.deallocate()
        bytes.deallocate()
        starts.deallocate()
    }

    func id(of name: UnsafeBufferPointer<UInt8>) -> Int? {
        var slot = NameTable.hash(name) & (slots.count - 1)
        while slots[slot] >= 0 {
            if equal(Int(slots[slot]), name) { return Int(slots[slot]) }
            slot = (slot + 1) & (slots.count - 1)
        }
        return nil
    }

    private func equal(_ id: Int, _ name: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = Int(starts[id]), end = Int(starts[id + 1])
        guard end - start == name.count else { return false }
        guard let stored = bytes.baseAddress, let other = name.baseAddress else { return true }
        return memcmp(stored + start, other, name.count) == 0
    }

    /// FNV-1a: the table only decides where to look, so any spread will do.
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: hash ^ (hash >> 29))
    }
}
