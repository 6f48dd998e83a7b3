import FaultlineYAML
import Testing

@Suite("Duplicate and non-scalar keys")
struct DuplicateKeyTests {
    @Test("a duplicate key is reported at the second one, naming the first")
    func duplicateKey() throws {
        let result = parse("""
            services:
              inventory: {timeout: 1s}
              shipping: {}
              inventory: {timeout: 2s}
            """)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(result.diagnostics.count == 1)
        #expect(diagnostic.position == "4:3")
        #expect(diagnostic.message.contains("'inventory'"))
        #expect(diagnostic.message.contains("line 2, column 3"))
        // The document survives with the first definition kept.
        let services = try #require(result.document?.root?["services"])
        #expect(services.keys == ["inventory", "shipping"])
        #expect(services["inventory"]?["timeout"]?.scalar == "1s")
    }

    @Test("duplicates in a flow mapping, and a quoted spelling of the same key")
    func duplicateInFlowAndQuoted() throws {
        let result = parse("""
            a: {x: 1, "x": 2}
            """)
        #expect(result.diagnostics.map(\.position) == ["1:11"])
        #expect(result.diagnostics.first?.message.contains("line 1, column 5") == true)
    }

    @Test("every repeat is reported")
    func threeTimes() throws {
        let result = parse("k: 1\nk: 2\nk: 3\n")
        #expect(result.diagnostics.map(\.position) == ["2:1", "3:1"])
        #expect(result.diagnostics.allSatisfy { $0.message.contains("line 1, column 1") })
    }

    @Test("the same key in different mappings is fine")
    func sameKeyInSiblings() throws {
        let result = parse("a: {x: 1}\nb: {x: 2}\n")
        #expect(result.diagnostics.isEmpty)
    }

    @Test("a mapping as a key is an error at the key")
    func mappingKey() throws {
        let result = parse("""
            ok: 1
            ? {a: 1}
            : value
            """)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(result.diagnostics.count == 1)
        #expect(diagnostic.position == "2:3")
        #expect(diagnostic.message.contains("not a mapping"))
        #expect(result.document?.root?.keys == ["ok"])
    }

    @Test("a list as a key is an error at the key")
    func listKey() throws {
        let result = parse("""
            ? [a, b]
            : value
            """)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(result.diagnostics.count == 1)
        #expect(diagnostic.position == "1:3")
        #expect(diagnostic.message.contains("not a list"))
    }
}
