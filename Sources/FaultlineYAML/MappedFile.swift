#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A file's bytes mapped read-only from the page cache instead of copied out
/// of it. Reading a 28 MB topology into fresh memory was 7 000 page faults
/// and a copy before the parse could start, and those pages were torn down
/// again at exit; a mapping of the cached file has none of that (its pages
/// are entered in batches as the parser reaches them).
///
/// A file that is cut short while it is mapped would make the parser read
/// past its end, which the system answers with SIGBUS: `map` installs a
/// handler that reports it and exits with status 2 (see `SourceChanged`).
public final class MappedFile: @unchecked Sendable {
    /// Valid for the object's lifetime; never written.
    public let bytes: UnsafeBufferPointer<UInt8>

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }

    /// The first `count` bytes of the open regular file `descriptor`, or nil
    /// where it cannot be mapped (the caller then reads it).
    public static func map(_ descriptor: Int32, count: Int) -> MappedFile? {
        guard count > 0 else { return nil }
        SourceChanged.installHandler()
        #if os(Linux)
        // Entered in the page tables up front, in one system call, rather than a fault at a time.
        let flags = MAP_PRIVATE | MAP_POPULATE
        #else
        let flags = MAP_PRIVATE
        #endif
        let address = mmap(nil, count, PROT_READ, flags, descriptor, 0)
        guard let address, address != MAP_FAILED else { return nil }
        return MappedFile(bytes: UnsafeBufferPointer(start: address.assumingMemoryBound(to: UInt8.self), count: count))
    }
}

/// What happens when a mapped input shrinks under the parser: a clear error
/// and exit status 2, as for any input that cannot be read, not a crash.
enum SourceChanged {
    static let message: StaticString = "faultline: an input file was cut short while it was being read; run again once it is written\n"

    private static let installed: Void = {
        var action = sigaction()
        #if os(Linux)
        action.__sigaction_handler.sa_handler = { _ in SourceChanged.reportAndExit() }
        #else
        action.__sigaction_u.__sa_handler = { _ in SourceChanged.reportAndExit() }
        #endif
        sigemptyset(&action.sa_mask)
        sigaction(SIGBUS, &action, nil)
    }()

    static func installHandler() { _ = installed }

    /// Only async-signal-safe calls: one `write` of a static text, then `_exit`.
    static func reportAndExit() -> Never {
        _ = write(STDERR_FILENO, message.utf8Start, message.utf8CodeUnitCount)
        _exit(2)
    }
}
