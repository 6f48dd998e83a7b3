@testable import FaultlineYAML
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The advice to back large buffers with 2 MiB pages: it must reach the
/// kernel for the aligned inside of a large buffer, and leave everything
/// else as it was.
@Suite("Huge pages")
struct HugePagesTests {
    #if os(Linux)
    /// The `VmFlags` of the mapping that holds `address`, from `/proc/self/smaps`.
    static func flags(at address: UInt) -> [String]? {
        guard let file = fopen("/proc/self/smaps", "r") else { return nil }
        defer { fclose(file) }
        var inside = false
        var line = [CChar](repeating: 0, count: 4096)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let fields = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
            if let range = fields.first, range.contains("-"), !range.hasSuffix(":") {
                let bounds = range.split(separator: "-").compactMap { UInt($0, radix: 16) }
                inside = bounds.count == 2 && bounds[0] <= address && address < bounds[1]
            } else if inside, text.hasPrefix("VmFlags:") {
                return fields.dropFirst().map(String.init)
            }
        }
        return nil
    }

    static var kernelHasHugePages: Bool { access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK) == 0 }

    @Test("a large buffer's aligned inside is advised; its bytes are unchanged", arguments: [8 << 20, (6 << 20) + 12_345])
    func largeBufferAdvised(_ byteCount: Int) throws {
        let buffer = try #require(malloc(byteCount))
        defer { free(buffer) }
        let bytes = buffer.bindMemory(to: UInt8.self, capacity: byteCount)
        for index in stride(from: 0, to: byteCount, by: 4096) { bytes[index] = UInt8(truncatingIfNeeded: index / 4096) }
        HugePages.advise(buffer, byteCount: byteCount)
        for index in stride(from: 0, to: byteCount, by: 4096) { #expect(bytes[index] == UInt8(truncatingIfNeeded: index / 4096)) }
        guard Self.kernelHasHugePages else { return }
        let alignedInside = (UInt(bitPattern: buffer) + UInt(HugePages.pageBytes) - 1) & ~UInt(HugePages.pageBytes - 1)
        #expect(Self.flags(at: alignedInside)?.contains("hg") == true)
    }

    @Test("a small buffer is left alone")
    func smallBufferLeftAlone() throws {
        // A mapping of its own: no other buffer's advice can reach it.
        let byteCount = HugePages.minimumBytes - 1
        let mapped: UnsafeMutableRawPointer? = mmap(nil, 4 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        let region = try #require(mapped.flatMap { $0 == MAP_FAILED ? nil : $0 })
        defer { munmap(region, 4 << 20) }
        HugePages.advise(region, byteCount: byteCount)
        guard Self.kernelHasHugePages else { return }
        #expect(Self.flags(at: UInt(bitPattern: region))?.contains("hg") == false)
    }
    #endif
}
