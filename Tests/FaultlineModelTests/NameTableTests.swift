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

    @Test("names added one by one grow the table; a repeat keeps its first id and takes none")
    func growing() {
        let table = NameTable()
        for id in 0..<3_000 { #expect(table.add("name-\(id)") == id) }
        #expect(table.add("name-17") == 17)
        #expect(table.count == 3_000)
        #expect(table.add("after-the-repeat") == 3_000)
        for id in 0..<3_000 { #expect(Self.lookUp(table, "name-\(id)") == id) }
        #expect(table.id(of: "after-the-repeat") == 3_000 && table.id(of: "name-3000") == nil)
        let copy = NameTable(copying: table)
        #expect(copy.add("only-in-the-copy") == 3_001 && table.id(of: "only-in-the-copy") == nil)
        #expect(copy.id(of: "name-2999") == 2_999)
    }

    @Test("adding with a hash made beforehand says whether the name was new")
    func addingIfAbsent() {
        let table = NameTable()
        func add(_ name: String) -> (id: Int, added: Bool) {
            Array(name.utf8).withUnsafeBufferPointer { table.addIfAbsent($0, hash: NameTable.hash(of: name)) }
        }
        for id in 0..<1_000 { #expect(add("s\(id)") == (id, true)) }
        #expect(add("s999") == (999, false) && add("s0") == (0, false))
        #expect(add("s1000") == (1_000, true) && table.count == 1_001)
    }

    @Test("long names grow the byte storage")
    func longNames() {
        let table = NameTable()
        let names = (0..<50).map { String(repeating: "n\($0)-", count: 100) }
        for (id, name) in names.enumerated() { #expect(table.add(name) == id) }
        for (id, name) in names.enumerated() { #expect(table.id(of: name) == id) }
    }

    @Test("room reserved ahead keeps every id")
    func reserving() {
        let table = NameTable(names: ["a", "b", "a"])
        table.reserve(10_000)
        #expect(table.id(of: "a") == 0 && table.id(of: "b") == 1 && table.count == 2)
        for id in 2..<5_000 { #expect(table.add("n\(id)") == id) }
        table.reserve(10)
        #expect(table.id(of: "n4999") == 4_999 && table.id(of: "a") == 0)
    }
}
