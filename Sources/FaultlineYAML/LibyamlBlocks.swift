internal import CYAML
#if canImport(Glibc)
import Glibc
#endif

/// libyaml allocates four small strings for every scalar it scans (the value
/// and three scratch strings of 16 bytes) and frees them again, through its
/// exported `yaml_malloc` and `yaml_free`, which call `malloc` and `free`. A
/// large topology has millions of such pairs, and glibc's `malloc` and `free`
/// took a fifth of libyaml's time. Defined in the program, the two functions
/// below take the place of libyaml's own (ELF symbol interposition: libyaml
/// calls its exported functions through the dynamic linker), and while one of
/// our parsers runs on a thread they keep that thread's freed small blocks
/// to hand out again — a pop and a push instead of glibc's checks (the
/// thread-local part is in CYAML's `shim.h`).
///
/// Every block is a real `malloc` block, kept only between a `yaml_free` and
/// the next `yaml_malloc` of a parse on the same thread, and every kept block
/// is freed when the parse ends. So nothing depends on libyaml calling these
/// functions rather than its own: a libyaml whose calls bind inside the
/// library, or a platform without interposition, gives and frees ordinary
/// blocks; a block handed out here that libyaml frees with `free` is simply
/// freed; and on a thread where none of our parses runs (someone else's use
/// of libyaml in the same process) the two functions are `malloc` and `free`.
enum LibyamlBlocks {
    #if canImport(Glibc)
    /// Runs `body` (a parse) keeping this thread's freed small blocks, and
    /// frees every kept block afterwards.
    static func caching<T>(_ body: () -> T) -> T {
        guard startKeeping() else { return body() }
        defer { stopKeeping() }
        return body()
    }

    // The thread-local blocks are a `static` variable of a header: every
    // object file that used it would have a copy of its own. So everything
    // that touches it is here, in functions that are never inlined into
    // another file (`caching` is generic and may be).
    @inline(never)
    private static func startKeeping() -> Bool { faultline_libyaml_start_keeping() != 0 }

    @inline(never)
    private static func stopKeeping() { faultline_libyaml_stop_keeping() }

    /// `yaml_event_delete`, its strings kept for libyaml's next requests.
    @inline(never)
    static func delete(_ event: UnsafeMutablePointer<yaml_event_t>) { faultline_libyaml_delete_event(event) }

    /// How many blocks this thread keeps now (for tests).
    static var keptCount: Int { keptBlocks() }

    @inline(never)
    private static func keptBlocks() -> Int { Int(faultline_libyaml_kept_count()) }

    /// Runs `body` with libyaml's own reader on this thread (for tests: the
    /// reader in `shim.h` must give what libyaml's gives).
    static func withLibyamlsReader<T>(_ body: () -> T) -> T {
        useLibyamlsReader(true)
        defer { useLibyamlsReader(false) }
        return body()
    }

    @inline(never)
    private static func useLibyamlsReader(_ on: Bool) { faultline_reader_use_libyamls(on ? 1 : 0) }

    /// How many times the reader in `shim.h` has filled a parser's buffer on this thread (for tests).
    static var readerFills: Int { readerFillCount() }

    @inline(never)
    private static func readerFillCount() -> Int { faultline_reader_fill_count() }
    #else
    static func caching<T>(_ body: () -> T) -> T { body() }
    static func delete(_ event: UnsafeMutablePointer<yaml_event_t>) { yaml_event_delete(event) }
    static var keptCount: Int { 0 }
    static func withLibyamlsReader<T>(_ body: () -> T) -> T { body() }
    static var readerFills: Int { 0 }
    #endif
}

#if canImport(Glibc)
/// libyaml's allocation function (see `LibyamlBlocks`); not for other callers.
@_cdecl("yaml_malloc") @inline(never)
public func _libyamlAllocate(_ size: Int) -> UnsafeMutableRawPointer? {
    faultline_libyaml_allocate(size)
}

/// libyaml's release function (see `LibyamlBlocks`); not for other callers.
@_cdecl("yaml_free") @inline(never)
public func _libyamlRelease(_ block: UnsafeMutableRawPointer?) {
    faultline_libyaml_release(block)
}

/// libyaml's reader (see `faultline_libyaml_update_buffer` in CYAML's
/// `shim.h`): while one of our parses runs on the thread, UTF-8 input is
/// decoded with runs of ASCII characters copied as they are; otherwise
/// libyaml's own function, found behind this one, does the work. Not for other callers.
@_cdecl("yaml_parser_update_buffer") @inline(never)
public func _libyamlUpdateBuffer(_ parser: UnsafeMutableRawPointer, _ length: Int) -> Int32 {
    faultline_libyaml_update_buffer(parser.assumingMemoryBound(to: yaml_parser_t.self), length, libyamlsUpdateBuffer)
}

/// libyaml's own `yaml_parser_update_buffer`: the next definition after the program's.
private let libyamlsUpdateBuffer: faultline_update_buffer_function? = {
    // RTLD_NEXT, which Swift does not import.
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: -1), "yaml_parser_update_buffer") else { return nil }
    return unsafeBitCast(symbol, to: faultline_update_buffer_function.self)
}()
#endif
