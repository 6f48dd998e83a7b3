import FaultlineYAML
import Testing

/// Positions carry their file as a number; these pin that the number behaves
/// exactly as the name did.
@Suite("Source locations")
struct SourceLocationTests {
    @Test("the same name gets the same number, another name another; the name comes back")
    func numbering() {
        let first = SourceLocation(file: "numbering/one.yaml", line: 1, column: 1)
        let again = SourceLocation(file: "numbering/" + "one.yaml", line: 1, column: 1)
        let other = SourceLocation(file: "numbering/two.yaml", line: 1, column: 1)
        #expect(first.fileID == again.fileID && first == again)
        #expect(first.fileID != other.fileID && first != other)
        #expect(first.file == "numbering/one.yaml" && other.file == "numbering/two.yaml")
        #expect(first.withFileUTF8 { Array($0) } == Array("numbering/one.yaml".utf8))
        #expect(SourceLocation(file: "", line: 2, column: 3).description == ":2:3")
    }

    @Test("order is by name, line and column, whatever order the files were first seen in")
    func ordering() {
        let later = SourceLocation(file: "ordering/b.yaml", line: 1, column: 1)
        let earlier = SourceLocation(file: "ordering/a.yaml", line: 9, column: 9)
        #expect(earlier < later && !(later < earlier))
        #expect(SourceLocation(file: "ordering/a.yaml", line: 9, column: 8) < earlier)
        #expect(SourceLocation(file: "ordering/a.yaml", line: 8, column: 99) < earlier)
        #expect([later, earlier].sorted() == [earlier, later])
    }

    @Test("names registered from many threads at once get one number each")
    func concurrentRegistration() async {
        let names = (0..<200).map { "concurrent/file-\($0 % 50).yaml" }
        let ids = await withTaskGroup(of: (String, UInt32).self) { group in
            for name in names { group.addTask { (name, SourceLocation(file: name, line: 1, column: 1).fileID) } }
            var seen: [(String, UInt32)] = []
            for await pair in group { seen.append(pair) }
            return seen
        }
        let byName = Dictionary(grouping: ids, by: \.0).mapValues { Set($0.map(\.1)) }
        #expect(byName.count == 50 && byName.values.allSatisfy { $0.count == 1 })
        #expect(Set(byName.values.compactMap(\.first)).count == 50)
        #expect(byName.allSatisfy { name, id in id.first.map { FileNames.shared.name(of: $0) } == name })
    }
}

@Suite("Byte buffer")
struct ByteBufferTests {
    /// Every length the small-copy paths treat differently, from every
    /// offset in a larger buffer, so reads and writes stay inside both ranges.
    @Test("appends copy exactly the bytes given, at every length and offset", arguments: Array(0...40) + [63, 64, 65, 1_000])
    func appendsCopyExactly(length: Int) {
        let source = (0..<(length + 7)).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        for offset in 0..<7 {
            var buffer = ByteBuffer(capacity: 1)
            buffer.append(UInt8(ascii: "<"))
            source.withUnsafeBufferPointer { buffer.append(UnsafeBufferPointer(rebasing: $0[offset..<offset + length])) }
            buffer.append(UInt8(ascii: ">"))
            let expected = [UInt8(ascii: "<")] + source[offset..<offset + length] + [UInt8(ascii: ">")]
            #expect(Array(buffer.bytes) == expected, "length \(length) from offset \(offset)")
        }
    }

    /// Equal bytes compare equal, and one byte changed anywhere compares
    /// unequal, at every length the word-wise paths treat differently.
    @Test("equal finds every single differing byte, at every length", arguments: Array(0...40) + [63, 64, 65, 1_000])
    func equalFindsEveryDifference(length: Int) {
        let one = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        one.withUnsafeBufferPointer { a in
            var copy = one
            copy.withUnsafeBufferPointer { b in
                #expect(ByteBuffer.equal(a.baseAddress ?? UnsafePointer(bitPattern: 1)!, b.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: length))
            }
            for position in 0..<length {
                copy[position] ^= 0x20
                copy.withUnsafeBufferPointer { b in
                    if let first = a.baseAddress, let second = b.baseAddress {
                        #expect(!ByteBuffer.equal(first, second, count: length), "length \(length), byte \(position)")
                    }
                }
                copy[position] ^= 0x20
            }
        }
    }
}
