@testable import FaultlineYAML
import FaultlineTestSupport
import Foundation
import Testing

/// Large inputs are mapped rather than read (`MappedFile`): the mapping must
/// hold exactly the file's bytes, parse exactly as the same bytes read into
/// memory, and decline what cannot be mapped so the caller reads it instead.
@Suite("Mapped input files")
struct MappedFileTests {
    @Test func holdsTheFilesBytes() throws {
        let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let mapped = try withTemporaryFile(bytes) { try #require(MappedFile.map($0, count: bytes.count)) }
        // Still readable once the descriptor is closed and the file removed.
        #expect(Array(mapped.bytes) == bytes)
    }

    @Test func mapsOnlyTheBytesAskedFor() throws {
        let bytes = Array(repeating: UInt8(ascii: "x"), count: 10_000)
        let mapped = try withTemporaryFile(bytes) { try #require(MappedFile.map($0, count: 4_097)) }
        #expect(mapped.bytes.count == 4_097)
        #expect(mapped.bytes.allSatisfy { $0 == UInt8(ascii: "x") })
    }

    @Test func declinesAnEmptyFileAndAPipe() throws {
        #expect(try withTemporaryFile([]) { MappedFile.map($0, count: 0) } == nil)
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        defer { close(ends[0]); close(ends[1]) }
        #expect(MappedFile.map(ends[0], count: 4096) == nil)
    }

    /// Large enough to be parsed in pieces, as the files that get mapped are.
    @Test func parsesAsTheSameBytesInMemory() throws {
        // Generated entries, then entries padded with comments until the file passes the threshold.
        var text = SplitParseTests.topology(services: 2_000, tail: "")
        var extra = 0
        while text.utf8.count < SplitParse.minimumBytes + 4096 {
            text += "  more-\(extra):\n    owner: team\n" + String(repeating: "    # padding to make the file large\n", count: 40)
            extra += 1
        }
        #expect(SplitParseTests.split(text) != nil, "the split parse declined the file")
        let bytes = Array(text.utf8)
        let mapped = try withTemporaryFile(bytes) { try #require(MappedFile.map($0, count: bytes.count)) }
        let fromMapping = YAMLParser.parse(mapped.bytes, file: "t.yaml")
        let fromMemory = YAMLParser.parse(bytes, file: "t.yaml")
        #expect(fromMapping.diagnostics.isEmpty && fromMemory.diagnostics.isEmpty)
        #expect(SplitParseTests.sameTree(fromMapping.document?.root, fromMemory.document?.root))
        #expect(fromMapping.document?.root != nil)
    }

    /// A file cut short while it is mapped: reading past its new end raises
    /// SIGBUS, which must end the process with status 2 and a message, not a
    /// crash. Run in a child process, which only truncates the file and reads.
    @Test func aFileCutShortWhileMappedEndsWithStatusTwo() throws {
        #if os(Linux)
        let count = 3 * 4096
        try withTemporaryFile(Array(repeating: UInt8(ascii: "a"), count: count), flags: O_RDWR) { descriptor in
            let mapped = try #require(MappedFile.map(descriptor, count: count))
            let silent = open("/dev/null", O_WRONLY)
            defer { close(silent) }
            let child = fork()
            try #require(child >= 0)
            if child == 0 {
                dup2(silent, STDERR_FILENO)
                ftruncate(descriptor, 0)
                let last = mapped.bytes[count - 1]
                _exit(last == 0 ? 3 : 4)  // not reached: the read above raises SIGBUS
            }
            var status: Int32 = 0
            waitpid(child, &status, 0)
            let exitedNormally = status & 0x7F == 0
            #expect(exitedNormally && (status >> 8) & 0xFF == 2, "wait status \(status)")
        }
        #endif
    }
}

