@testable import FaultlineYAML
import Testing

/// libyaml's small allocations are served from blocks each thread keeps while
/// one of our parses runs on it (`LibyamlBlocks`): the blocks must be used,
/// kept only during the parse, and never change what the parse gives.
@Suite("libyaml's kept blocks")
struct LibyamlBlocksTests {
    static let text = EventPipeTests.entries(2_000)

    /// libyaml's events for `text` on this thread, counted.
    static func countEvents(_ text: String) -> Int {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer in
            var events = 0
            _ = EventReader(input: UnsafeBufferPointer(buffer), maxScalarBytes: 1 << 20).forEachEvent { _, _ in
                events += 1
                return true
            }
            return events
        }
    }

    #if canImport(Glibc)
    @Test("libyaml's freed scalars come back to the thread's blocks while a parse runs, and none are kept after it")
    func keptDuringTheParseOnly() {
        #expect(LibyamlBlocks.keptCount == 0)
        let keptInside = LibyamlBlocks.caching {
            // The inner parse finds the blocks already kept and leaves them to this one.
            let events = Self.countEvents(Self.text)
            return (events, LibyamlBlocks.keptCount)
        }
        #expect(keptInside.0 > 10_000)
        // Were libyaml's calls not coming here (or reaching another copy of
        // the thread's blocks), nothing would be kept.
        #expect(keptInside.1 > 0)
        #expect(LibyamlBlocks.keptCount == 0)
    }
    #endif

    @Test("a parse gives the same tree with the blocks kept as without, on several threads at once")
    func sameTreeOnThreads() throws {
        let expected = try parseRoot(Self.text)
        let trees = concurrentMap(4) { _ in (try? parseRoot(Self.text)).map { ($0.entries.first?.value.count, $0.entries.first?.value.entries.last?.value.entries.last?.value.scalar) } }
        for tree in trees {
            #expect(tree?.0 == expected.entries.first?.value.count)
            #expect(tree?.1 == "text 1999")
        }
        #expect(LibyamlBlocks.keptCount == 0)
    }
}
