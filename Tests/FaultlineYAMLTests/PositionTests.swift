import FaultlineYAML
import Testing

/// Every node carries the 1-based line and column where it was written.
@Suite("Positions")
struct PositionTests {
    @Test("block mapping: keys and scalar values")
    func blockMapping() throws {
        let root = try parseRoot("""
            name: shop
            services:
              checkout:
                timeout: 2s
            """)
        #expect(root.kind == .mapping)
        #expect(root.position == "1:1")
        #expect(root.keyNode("name")?.position == "1:1")
        #expect(root["name"]?.position == "1:7")
        #expect(root.keyNode("services")?.position == "2:1")
        let services = try #require(root["services"])
        // A block mapping starts at its first key.
        #expect(services.position == "3:3")
        #expect(services.keyNode("checkout")?.position == "3:3")
        let checkout = try #require(services["checkout"])
        #expect(checkout.keyNode("timeout")?.position == "4:5")
        #expect(checkout["timeout"]?.position == "4:14")
        #expect(checkout["timeout"]?.scalar == "2s")
    }

    @Test("flow sequence and flow mapping: the bracket, then each item")
    func flowCollections() throws {
        let root = try parseRoot("""
            list: [a, bb, ccc]
            map: {x: 1, yy: 22}
            """)
        let list = try #require(root["list"])
        #expect(list.kind == .sequence)
        #expect(list.position == "1:7")
        #expect(list.elements.map(\.position) == ["1:8", "1:11", "1:15"])
        #expect(list.elements.compactMap(\.scalar) == ["a", "bb", "ccc"])
        let map = try #require(root["map"])
        #expect(map.kind == .mapping)
        #expect(map.position == "2:6")
        #expect(map.keyNode("x")?.position == "2:7")
        #expect(map["x"]?.position == "2:10")
        #expect(map.keyNode("yy")?.position == "2:13")
        #expect(map["yy"]?.position == "2:17")
    }

    @Test("block sequences, indented and not, and mappings inside them")
    func blockSequences() throws {
        let root = try parseRoot("""
            indented:
              - one
              - two
            flush:
            - three
            calls:
              - to: a
                via: grpc
              - {to: b}
            """)
        let indented = try #require(root["indented"])
        #expect(indented.kind == .sequence)
        #expect(indented.position == "2:3")
        #expect(indented.elements.map(\.position) == ["2:5", "3:5"])
        let flush = try #require(root["flush"])
        #expect(flush.position == "5:1")
        #expect(flush.elements.map(\.position) == ["5:3"])
        let calls = try #require(root["calls"]).elements
        try #require(calls.count == 2)
        // A block mapping in a list item starts at its first key, not at the dash.
        #expect(calls[0].position == "7:5")
        #expect(calls[0]["to"]?.position == "7:9")
        #expect(calls[0].keyNode("via")?.position == "8:5")
        #expect(calls[0]["via"]?.position == "8:10")
        #expect(calls[1].position == "9:5")
        #expect(calls[1]["to"]?.position == "9:10")
    }

    @Test("a literal block scalar sits at its '|' and keeps its line breaks")
    func literalScalar() throws {
        let root = try parseRoot("""
            text: |
              line one
              line two
            after: 1
            """)
        let text = try #require(root["text"])
        #expect(text.position == "1:7")
        #expect(text.scalar == "line one\nline two\n")
        #expect(text.isPlainScalar == false)
        #expect(root.keyNode("after")?.position == "4:1")
        #expect(root["after"]?.position == "4:8")
    }

    @Test("a folded block scalar sits at its '>' and joins its lines")
    func foldedScalar() throws {
        let root = try parseRoot("""
            a: 0
            text: >-
              folded
              text
                more indented
            after: x
            """)
        let text = try #require(root["text"])
        #expect(text.position == "2:7")
        #expect(text.scalar == "folded text\n  more indented")
        #expect(root.keyNode("after")?.position == "6:1")
    }

    @Test("multi-line plain and quoted scalars sit at their first character")
    func multiLineFlowScalars() throws {
        let root = try parseRoot("""
            plain: first
              second
            quoted: "one
              two"
            next: 3
            """)
        #expect(root["plain"]?.scalar == "first second")
        #expect(root["plain"]?.position == "1:8")
        #expect(root["quoted"]?.scalar == "one two")
        #expect(root["quoted"]?.position == "3:9")
        #expect(root.keyNode("next")?.position == "5:1")
    }

    @Test("CRLF line endings count as one line break and never reach scalar text")
    func crlf() throws {
        let text = "a: 1\r\nb:\r\n  c: x\r\nlit: |\r\n  one\r\n  two\r\nz: last\r\n"
        let root = try parseRoot(text)
        #expect(root.keyNode("b")?.position == "2:1")
        let b = try #require(root["b"])
        #expect(b.keyNode("c")?.position == "3:3")
        #expect(b["c"]?.position == "3:6")
        #expect(b["c"]?.scalar == "x")
        #expect(root["lit"]?.position == "4:6")
        #expect(root["lit"]?.scalar == "one\ntwo\n")
        #expect(root.keyNode("z")?.position == "7:1")
        #expect(root["z"]?.scalar == "last")
    }

    @Test("a UTF-8 byte order mark takes no column")
    func byteOrderMark() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("a: 1\nb: two\n".utf8)
        let result = YAMLParser.parse(bytes, file: "bom.yaml")
        #expect(result.diagnostics.isEmpty)
        let root = try #require(result.document?.root)
        #expect(root.keys == ["a", "b"])
        #expect(root.keyNode("a")?.position == "1:1")
        #expect(root["a"]?.position == "1:4")
        #expect(root.keyNode("b")?.position == "2:1")
        #expect(root["b"]?.scalar == "two")
    }

    @Test("columns count characters, not bytes")
    func columnsCountCharacters() throws {
        let root = try parseRoot("émoji: ✓ ok\nnext: 1\n")
        #expect(root["émoji"]?.position == "1:8")
        #expect(root["émoji"]?.scalar == "✓ ok")
    }

    @Test("every location names the file it came from")
    func fileNameInLocations() throws {
        let result = YAMLParser.parse("a: [1]\n", file: "dir/topology.yaml")
        let root = try #require(result.document?.root)
        let element = try #require(root["a"]?.elements.first)
        #expect(element.location == FaultlineYAML.SourceLocation(file: "dir/topology.yaml", line: 1, column: 5))
        #expect(element.location.description == "dir/topology.yaml:1:5")
    }

    @Test("plain, quoted and null scalars are told apart")
    func scalarStyles() throws {
        let root = try parseRoot("""
            plain: true
            quoted: "true"
            single: 'x'
            tilde: ~
            empty:
            word: null
            quotedNull: "null"
            """)
        #expect(root["plain"]?.isPlainScalar == true)
        #expect(root["quoted"]?.isPlainScalar == false)
        #expect(root["quoted"]?.scalar == "true")
        #expect(root["single"]?.isPlainScalar == false)
        #expect(root["tilde"]?.isNull == true)
        #expect(root["empty"]?.isNull == true)
        #expect(root["word"]?.isNull == true)
        #expect(root["quotedNull"]?.isNull == false)
        #expect(root["plain"]?.isNull == false)
        #expect(root["quoted"]?.kindDescription == "the string 'true'")
        #expect(root["plain"]?.kindDescription == "'true'")
        #expect(root["tilde"]?.kindDescription == "nothing")
    }

    @Test("collections report their kind, size and no scalar text")
    func collectionAccessors() throws {
        let root = try parseRoot("list: [1, 2, 3]\nmap: {a: 1}\n")
        let list = try #require(root["list"])
        #expect(list.count == 3)
        #expect(list.scalar == nil)
        #expect(list.entries.isEmpty)
        #expect(list.kindDescription == "a list")
        let map = try #require(root["map"])
        #expect(map.count == 1)
        #expect(map.elements.isEmpty)
        #expect(map.kindDescription == "a mapping")
        let scalar = try #require(map["a"])
        #expect(scalar.count == 0)
        #expect(scalar.elements.isEmpty)
        #expect(scalar.entries.isEmpty)
    }
}
