#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Large buffers backed by 2 MiB pages where the system allows it.
///
/// A large topology's buffers (the file's bytes, the node tree's stores)
/// are tens of megabytes written once, front to back. Each 4 KiB page of
/// them is a page fault on first write, and on the virtual machines CI runs
/// on a fault costs about 3.6 µs, most of it not the zeroing: 44 000 of them,
/// about 0.16 s of CPU, at 50 000 services. Linux backs a range with 2 MiB
/// pages (one fault each) when the range is advised so and transparent huge
/// pages are in `madvise` mode, the usual default; in `always` mode they are
/// used anyway and in `never` mode the advice does nothing. Only the 2 MiB
/// aligned inside of a buffer can be such a page, so small buffers are left
/// alone.
public enum HugePages {
    /// Buffers below this many bytes are not worth the system call.
    public static let minimumBytes = 2 << 20

    static let pageBytes = 2 << 20

    /// `byteCount` bytes from `malloc`'s heap, to release with `free`; a
    /// large block starts on a 2 MiB boundary, so that all of it but its
    /// last partial page can be a 2 MiB page, and is advised so.
    public static func allocate(byteCount: Int) -> UnsafeMutableRawPointer? {
        #if os(Linux)
        if byteCount >= minimumBytes {
            var block: UnsafeMutableRawPointer?
            guard posix_memalign(&block, pageBytes, byteCount) == 0, let block else { return nil }
            advise(block, byteCount: byteCount)
            return block
        }
        #endif
        return malloc(max(byteCount, 1))
    }

    /// Advises the 2 MiB pages inside `start ..< start + byteCount`, when
    /// there are any; call it before the buffer's pages are first written.
    public static func advise(_ start: UnsafeMutableRawPointer, byteCount: Int) {
        #if os(Linux)
        guard byteCount >= minimumBytes else { return }
        let address = UInt(bitPattern: start)
        let mask = UInt(pageBytes - 1)
        let first = (address + mask) & ~mask
        let end = (address + UInt(byteCount)) & ~mask
        guard end > first, let aligned = UnsafeMutableRawPointer(bitPattern: first) else { return }
        // Advice only: where the kernel declines it, the pages are small as before.
        _ = madvise(aligned, Int(end - first), MADV_HUGEPAGE)
        #endif
    }
}
