@_spi(Checking) import FaultlineYAML
import FaultlineTestSupport
import Testing

/// While one of our parses runs, libyaml's reader is the one in CYAML's
/// `shim.h` (see `_libyamlUpdateBuffer`): libyaml's own with runs of ASCII
/// copied. Whatever the input, libyaml's events, positions and errors must be
/// the same with either reader, on text that crosses libyaml's 16 KiB reads.
@Suite("libyaml's reader")
struct LibyamlReaderTests {
    static func transcript(_ bytes: [UInt8], libyamls: Bool) -> [String] {
        bytes.withUnsafeBufferPointer { LibyamlReaderCheck.transcript($0, libyamls: libyamls) }
    }

    /// Checks that both readers give the same transcript, and that ours was used.
    static func expectSame(_ bytes: [UInt8], _ comment: Comment, oursUsed: Bool = true, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let libyamls = transcript(bytes, libyamls: true)
        let fillsBefore = LibyamlReaderCheck.fills
        let ours = transcript(bytes, libyamls: false)
        #if canImport(Glibc)
        if oursUsed { #expect(LibyamlReaderCheck.fills > fillsBefore, "our reader was not used", sourceLocation: sourceLocation) }
        #endif
        #expect(ours == libyamls, comment, sourceLocation: sourceLocation)
    }

    /// Valid YAML of about `size` bytes, ASCII, each entry on its own line.
    static func padding(_ size: Int) -> [UInt8] {
        var text = "root:\n"
        var index = 0
        while text.utf8.count < size {
            text += "  key\(index): value \(index)\n"
            index += 1
        }
        return Array(text.utf8)
    }

    @Test("a large file of ASCII, with tabs, carriage returns and every printable character")
    func ascii() {
        var bytes = Self.padding(70_000)
        bytes += Array("  tabbed: \"a\tb\"\r\n  printable: \"".utf8)
        bytes += (0x20...0x7E).filter { $0 != 0x22 && $0 != 0x5C }.map { UInt8($0) }
        bytes += Array("\"\n  crlf: x\r\n".utf8)
        Self.expectSame(bytes, "ASCII")
    }

    /// Characters of every UTF-8 width, and bytes libyaml rejects.
    static let characters: [(name: String, bytes: [UInt8])] = [
        ("é (2 bytes)", [0xC3, 0xA9]),
        ("€ (3 bytes)", [0xE2, 0x82, 0xAC]),
        ("𝄞 (4 bytes)", [0xF0, 0x9D, 0x84, 0x9E]),
        ("next line U+0085 (allowed)", [0xC2, 0x85]),
        ("byte order mark inside the text", [0xEF, 0xBB, 0xBF]),
        ("C1 control U+0080", [0xC2, 0x80]),
        ("lone trailing byte", [0x80]),
        ("invalid leading byte", [0xF8, 0x80, 0x80, 0x80, 0x80]),
        ("leading byte, then ASCII", [0xC3, 0x41]),
        ("overlong slash", [0xC0, 0xAF]),
        ("surrogate", [0xED, 0xA0, 0x80]),
        ("above U+10FFFF", [0xF4, 0x90, 0x80, 0x80]),
        ("U+FFFE", [0xEF, 0xBF, 0xBE]),
        ("NUL", [0x00]),
        ("escape", [0x1B]),
        ("delete", [0x7F]),
        ("vertical tab", [0x0B]),
    ]

    @Test("each character across libyaml's 16 KiB reads, and cut short at the end", arguments: Self.characters)
    func character(_ character: (name: String, bytes: [UInt8])) {
        // libyaml's own reader decodes the first read of 16 384 bytes (it
        // finds the encoding there); ours the later ones. The character goes
        // at every position around the end of the first read (split between
        // libyaml's reader and ours) and of the second (split between two of
        // ours).
        for boundary in [16_384, 32_768] {
            let prefix = Self.padding(boundary - 100)
            for at in boundary - 6...boundary + 2 {
                let shift = at - prefix.count - 5
                let text = prefix + Array("  s: \(String(repeating: "z", count: shift))".utf8) + character.bytes + Array("w\n".utf8) + Self.padding(200)
                // A bad character inside the first read stops libyaml's reader before ours runs.
                Self.expectSame(text, "\(character.name) at \(at)", oursUsed: at >= 16_384)
            }
        }
        let longer = Self.padding(40_000)
        for cut in 1...character.bytes.count {
            Self.expectSame(longer + Array("  s: ".utf8) + character.bytes.prefix(cut), "\(character.name) cut after \(cut) bytes")
        }
    }

    @Test("byte order marks: UTF-8 and UTF-16 input (libyaml's reader in every case but UTF-8)")
    func byteOrderMarks() {
        let text = Array("a: 1\nb: [x, y]\n".utf8)
        Self.expectSame([0xEF, 0xBB, 0xBF] + Self.padding(20_000) + text, "UTF-8 with a byte order mark")
        // UTF-16 goes to libyaml's reader on every read.
        let long = Self.padding(20_000) + text
        let utf16LE: [UInt8] = [0xFF, 0xFE] + long.flatMap { [$0, 0] }
        let utf16BE: [UInt8] = [0xFE, 0xFF] + long.flatMap { [0, $0] }
        let fillsBefore = LibyamlReaderCheck.fills
        #expect(Self.transcript(utf16LE, libyamls: false) == Self.transcript(utf16LE, libyamls: true))
        #expect(Self.transcript(utf16BE, libyamls: false) == Self.transcript(utf16BE, libyamls: true))
        #expect(LibyamlReaderCheck.fills == fillsBefore)
        #expect(Self.transcript(utf16LE, libyamls: false).last == "done")
    }

    @Test("random bytes among ASCII lines: the same events or the same error")
    func randomBytes() {
        var generator = SplitMix64(state: 5)
        for round in 0..<200 {
            var bytes = Self.padding(17_000 + generator.next(below: 40_000))
            for _ in 0..<1 + generator.next(below: 3) {
                let position = 16_500 + generator.next(below: bytes.count - 16_500 + 1)
                let noise = (0..<generator.next(below: 6)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
                bytes.insert(contentsOf: noise, at: position)
            }
            Self.expectSame(bytes, "round \(round)")
        }
    }
}
