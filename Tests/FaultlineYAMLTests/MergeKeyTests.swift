import FaultlineYAML
import Testing

@Suite("Merge keys")
struct MergeKeyTests {
    @Test("<<: *x brings in the anchored pairs in place of the merge key")
    func singleMerge() throws {
        let root = try parseRoot("""
            base: &b {timeout: 1s, retry: none}
            call:
              to: a
              <<: *b
              via: grpc
            """)
        let call = try #require(root["call"])
        #expect(call.keys == ["to", "timeout", "retry", "via"])
        #expect(call.count == 4)
        #expect(call["timeout"]?.scalar == "1s")
        #expect(call["retry"]?.scalar == "none")
    }

    @Test("the mapping's own keys win over merged ones, wherever they are written")
    func ownKeysWin() throws {
        let root = try parseRoot("""
            base: &b {timeout: 1s, retry: none}
            before:
              timeout: 2s
              <<: *b
            after:
              <<: *b
              timeout: 3s
            """)
        let before = try #require(root["before"])
        #expect(before["timeout"]?.scalar == "2s")
        #expect(before["retry"]?.scalar == "none")
        #expect(before.keys == ["timeout", "retry"])
        let after = try #require(root["after"])
        #expect(after["timeout"]?.scalar == "3s")
        #expect(after["timeout"]?.position == "7:12")
        #expect(after.keys == ["retry", "timeout"])
    }

    @Test("in <<: [*a, *b] the earlier mapping wins")
    func mergeListEarlierWins() throws {
        let root = try parseRoot("""
            a: &a {k: from-a, only-a: 1}
            b: &b {k: from-b, only-b: 2}
            c:
              <<: [*a, *b]
              own: 3
            d:
              <<: [*b, *a]
            """)
        let c = try #require(root["c"])
        #expect(c["k"]?.scalar == "from-a")
        #expect(c.keys == ["k", "only-a", "only-b", "own"])
        let d = try #require(root["d"])
        #expect(d["k"]?.scalar == "from-b")
        #expect(d.keys == ["k", "only-b", "only-a"])
    }

    @Test("merged pairs keep the positions where they were written")
    func mergedPositions() throws {
        let root = try parseRoot("""
            x-policies:
              fast: &fast
                timeout: 250ms
                retry: none
            call:
              to: a
              <<: *fast
            """)
        let call = try #require(root["call"])
        #expect(call.keyNode("timeout")?.position == "3:5")
        #expect(call["timeout"]?.position == "3:14")
        #expect(call["retry"]?.position == "4:12")
        #expect(call["to"]?.position == "6:7")
    }

    @Test("merge keys work in flow mappings and through nested merges")
    func nestedMerges() throws {
        let root = try parseRoot("""
            a: &a {x: 1}
            b: &b {<<: *a, y: 2}
            c: {<<: *b, z: 3}
            """)
        let c = try #require(root["c"])
        #expect(c.keys == ["x", "y", "z"])
        #expect(c["x"]?.scalar == "1")
        #expect(c["x"]?.position == "1:11")
    }

    @Test("a quoted '<<' is an ordinary key")
    func quotedMergeKeyIsOrdinary() throws {
        let root = try parseRoot("""
            a: &a {x: 1}
            b: {"<<": *a}
            """)
        let b = try #require(root["b"])
        #expect(b.keys == ["<<"])
        #expect(b["x"] == nil)
    }

    @Test("an own key that repeats a merged key is not a duplicate")
    func overrideIsNotDuplicate() throws {
        let result = parse("""
            a: &a {x: 1, y: 2}
            b:
              <<: *a
              x: 5
            """)
        #expect(result.diagnostics.isEmpty)
        let b = try #require(result.document?.root?["b"])
        #expect(b["x"]?.scalar == "5")
        #expect(b.count == 2)
    }

    @Test("a merge key written with a scalar value is an error at the scalar")
    func mergeOfLiteralScalar() throws {
        let result = parse("""
            a:
              <<: hello
              k: 1
            """)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(result.diagnostics.count == 1)
        #expect(diagnostic.position == "2:7")
        #expect(diagnostic.message.contains("'<<' must point at a mapping"))
        // The rest of the mapping survives.
        #expect(result.document?.root?["a"]?.keys == ["k"])
    }

    @Test("a merge key pointing at an aliased scalar is an error")
    func mergeOfAliasedScalar() throws {
        let result = parse("""
            s: &s hello
            a:
              <<: *s
              k: 1
            """)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(result.diagnostics.count == 1)
        #expect(diagnostic.message.contains("'<<' must point at a mapping"))
        #expect(result.document?.root?["a"]?.keys == ["k"])
    }

    @Test("the error for <<: *scalar points at the merge, not at the innocent anchor")
    func mergeOfAliasedScalarPosition() throws {
        let result = parse("""
            s: &s hello
            a:
              <<: *s
            """)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.location.line == 3)
    }

    @Test("a merge list may hold only mappings")
    func mergeListWithScalar() throws {
        let result = parse("""
            a: &a {x: 1}
            b:
              <<: [*a, oops]
            """)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(result.diagnostics.count == 1)
        #expect(diagnostic.position == "3:12")
        #expect(diagnostic.message.contains("may hold only mappings"))
        #expect(result.document?.root?["b"]?.keys == ["x"])
    }

    @Test("an empty merge list merges nothing")
    func emptyMergeList() throws {
        let root = try parseRoot("a: {<<: [], k: 1}\n")
        #expect(root["a"]?.keys == ["k"])
    }
}
