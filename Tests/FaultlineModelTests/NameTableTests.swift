@testable import FaultlineModel
import Testing

@Suite("Name table")
struct NameTableTests {
    static func lookUp(_ table: NameTable, _ name: String) -> Int? {
        Array(name.utf8).withUnsafeBufferPointer { table.id(of: $0) }
    }

    @Test("every declared name is found with its id; others, prefixes and extensions are not")
    func lookups() {
        let names = (0..<5_000).map { "svc-\($0)" } + ["", "ä-unicode", "svc-1"]
        let table = NameTable(names: names)
        for id in 0..<5_000 { #expect(Self.lookUp(table, "svc-\(id)") == id) }
        #expect(Self.lookUp(table, "") == 5_000)
        #expect(Self.lookUp(table, "ä-unicode") == 5_001)
        #expect(Self.lookUp(table, "svc-1") == 1, "a repeated name keeps its first id")
        for missing in ["svc-5000", "svc-", "svc-10x", "SVC-1", "a-unicode"] { #expect(Self.lookUp(table, missing) == nil) }
        let copy = NameTable(copying: table)
        #expect(Self.lookUp(copy, "svc-4242") == 4242 && Self.lookUp(copy, "nope") == nil)
        #expect(Self.lookUp(NameTable(names: []), "svc-1") == nil)
    }
}
