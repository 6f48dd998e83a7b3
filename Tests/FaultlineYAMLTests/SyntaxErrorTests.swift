import FaultlineYAML
import Testing

/// One malformed input and where and how it must be reported.
struct SyntaxErrorCase: Sendable, CustomTestStringConvertible {
    let name: String
    let yaml: String
    let position: String
    let fragment: String
    var testDescription: String { name }
}

@Suite("libyaml errors and documents")
struct SyntaxErrorTests {
    static let cases: [SyntaxErrorCase] = [
        SyntaxErrorCase(name: "tab where a key should start", yaml: "a:\n\tb: 1\n", position: "2:1", fragment: "YAML allows only spaces"),
        SyntaxErrorCase(name: "tab used for indentation", yaml: "a:\n  b: 1\n\tc: 2\n", position: "3:1", fragment: "tab character"),
        SyntaxErrorCase(name: "tab indentation under a key", yaml: "services:\n  checkout:\n    entrypoint: true\n\ttimeout: 2s\n", position: "4:1", fragment: "tab character"),
        SyntaxErrorCase(name: "unclosed double quote", yaml: "a: 1\nb: \"abc\nc: 2\n", position: "2:4", fragment: "quoted string is never closed"),
        SyntaxErrorCase(name: "unclosed single quote", yaml: "a: 'abc\n", position: "1:4", fragment: "quoted string is never closed"),
        SyntaxErrorCase(name: "unclosed quote deep in a line", yaml: "list: [a, b, \"c]\n", position: "1:14", fragment: "quoted string is never closed"),
        SyntaxErrorCase(name: "unclosed bracket", yaml: "a: [1, 2\nb: 3\n", position: "1:4", fragment: "never closed"),
        SyntaxErrorCase(name: "unclosed brace", yaml: "x: 0\na: {k: 1\n", position: "2:4", fragment: "never closed"),
        SyntaxErrorCase(name: "unclosed bracket at end of file", yaml: "a: [1, 2", position: "1:4", fragment: "never closed"),
    ]

    @Test("a libyaml error becomes one positioned diagnostic and no document", arguments: cases)
    func libyamlError(_ errorCase: SyntaxErrorCase) throws {
        let result = parse(errorCase.yaml)
        #expect(result.document == nil)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(result.diagnostics.count == 1)
        #expect(diagnostic.position == errorCase.position, "\(diagnostic)")
        #expect(diagnostic.message.contains(errorCase.fragment), "\(diagnostic)")
        #expect(diagnostic.location.file == "test.yaml")
    }

    @Test("a wrongly indented key is reported on its own line, with libyaml's context")
    func badIndentation() throws {
        let result = parse("a:\n  b: 1\n c: 2\n")
        #expect(result.document == nil)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.location.line == 3)
        #expect(diagnostic.message.contains("line 1"))
    }

    @Test("the tab message survives a BOM or non-ASCII text earlier in the file", arguments: [
        ("after a comment with 'é'", Array("# café\na:\n\tb: 1\n".utf8)),
        ("after a byte order mark", [0xEF, 0xBB, 0xBF] + Array("a:\n\tb: 1\n".utf8)),
    ] as [(String, [UInt8])])
    func tabAfterMultiByteText(_ name: String, bytes: [UInt8]) throws {
        let result = YAMLParser.parse(bytes, file: "test.yaml")
        #expect(result.document == nil)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.location.column == 1)
        // isTab reads input byte `mark.index`, but libyaml's mark.index counts characters
        // (and skips the BOM), so it looks at the wrong byte and the generic message is kept.
        #expect(diagnostic.message.contains("YAML allows only spaces"), "\(diagnostic)")
    }

    @Test("a bracket left open with nothing after it is reported at the bracket", arguments: ["a: [\n", "a: [1,\n", "a: {\n"])
    func openBracketAtEndOfFile(_ text: String) throws {
        let result = parse(text)
        #expect(result.document == nil)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(result.diagnostics.count == 1)
        // libyaml says "did not find expected node content while parsing a flow node" at the end of
        // the file, with no mark of the bracket; the builder knows the open collection but is not asked.
        #expect(diagnostic.position == "1:4")
        #expect(diagnostic.message.contains("never closed"))
    }

    @Test("bytes that are not UTF-8 are a reader error")
    func invalidUTF8() throws {
        let result = YAMLParser.parse(Array("a: ".utf8) + [0xFF, 0xFE, 0x41] + Array("\n".utf8), file: "bin.yaml")
        #expect(result.document == nil)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.message.contains("UTF-8"))
        #expect(diagnostic.location.file == "bin.yaml")
    }

    @Test("a byte that is not UTF-8 is reported at its line and column", arguments: [
        ("on the second line", Array("a: 1\nb: ".utf8) + [0xFF] + Array("\n".utf8), "2:4"),
        ("after a two-byte character", Array("é: ".utf8) + [0xFF], "1:4"),
        ("after CRLF line breaks", Array("a: 1\r\nb: 2\r\nc: x".utf8) + [0xFF], "3:5"),
    ] as [(String, [UInt8], String)])
    func invalidUTF8Position(_ name: String, bytes: [UInt8], position: String) throws {
        let result = YAMLParser.parse(bytes, file: "bin.yaml")
        #expect(result.document == nil)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.position == position, "\(diagnostic)")
    }

    @Test("after a byte order mark, a reader error's column agrees with every other column")
    func invalidUTF8AfterBOM() throws {
        let result = YAMLParser.parse([0xEF, 0xBB, 0xBF] + Array("a: ".utf8) + [0xFF], file: "bin.yaml")
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.location.line == 1)
        // The BOM takes no column anywhere else (see PositionTests), but position(ofByte:) counts its lead byte.
        #expect(diagnostic.position == "1:4", "\(diagnostic)")
    }

    @Test("two documents in one file: an error at the start of the second")
    func twoDocuments() throws {
        let result = parse("a: 1\n---\nb: 2\n")
        #expect(result.document == nil)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(result.diagnostics.count == 1)
        #expect(diagnostic.position == "2:1")
        #expect(diagnostic.message.contains("one YAML document"))
    }

    @Test("two explicit documents: the error sits at the second '---'")
    func twoExplicitDocuments() throws {
        let result = parse("---\na: 1\n...\n# comment\n---\nb: 2\n")
        #expect(result.document == nil)
        #expect(result.diagnostics.map(\.position) == ["5:1"])
    }

    @Test("one explicit document with start and end markers is fine")
    func explicitSingleDocument() throws {
        let root = try parseRoot("---\na: 1\n...\n")
        #expect(root["a"]?.scalar == "1")
    }

    @Test("empty input, or only comments and blank lines: no root and no error", arguments: ["", "\n\n", "# just a comment\n", "   \n# c\n"])
    func emptyInput(_ text: String) throws {
        let result = parse(text)
        #expect(result.diagnostics.isEmpty)
        let document = try #require(result.document)
        #expect(document.root == nil)
        #expect(document.file == "test.yaml")
    }

    @Test("empty byte input: no root and no error")
    func emptyBytes() throws {
        let result = YAMLParser.parse([UInt8](), file: "empty.yaml")
        #expect(result.diagnostics.isEmpty)
        #expect(result.document != nil)
        #expect(result.document?.root == nil)
    }

    @Test("a bare scalar document has a scalar root")
    func scalarRoot() throws {
        let root = try parseRoot("hello\n")
        #expect(root.kind == .scalar)
        #expect(root.scalar == "hello")
        #expect(root.position == "1:1")
    }
}
