internal import CYAML

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
    #else
    static func caching<T>(_ body: () -> T) -> T { body() }
    static func delete(_ event: UnsafeMutablePointer<yaml_event_t>) { yaml_event_delete(event) }
    static var keptCount: Int { 0 }
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
#endif
