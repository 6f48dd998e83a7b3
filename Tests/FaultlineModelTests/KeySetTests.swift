import FaultlineModel
import Testing

@Suite("Key sets")
struct KeySetTests {
    static func index(_ set: KeySet, _ key: String) -> Int? {
        Array(key.utf8).withUnsafeBufferPointer { set.index(of: $0) }
    }

    static let callKeys = ["to", "operation", "via", "timeout", "retry", "circuit_breaker", "per_request", "idempotent", "parallel", "optional"]

    @Test("every name is found at its position, whichever slot it shares",
          arguments: [callKeys,
                      // Same length, first and last byte: one slot for all of them.
                      ["tax", "tux", "tix", "t-x"],
                      (0..<200).map { "rule-\($0)" }])
    func everyNameIsFound(names: [String]) {
        let set = KeySet(names)
        for (position, name) in names.enumerated() {
            #expect(Self.index(set, name) == position)
        }
    }

    @Test("near misses are not keys", arguments: ["", "t", "too", "timeouts", "Timeout", "timeou", "circuit-breaker", "tox", "x-to"])
    func nearMissesAreNotKeys(key: String) {
        #expect(Self.index(KeySet(Self.callKeys + ["tax", "tux"]), key) == nil)
    }

    @Test("a key found gives the allowed spelling")
    func foundKeyGivesTheSpelling() {
        let set: KeySet = ["per_request", "idempotent"]
        let found = Self.index(set, "idempotent").map { set.names[$0] }
        #expect(found == "idempotent")
    }

    @Test("a keyword enum finds its cases by their spellings")
    func keywordLookup() {
        for value in Delivery.allCases {
            #expect(Array(value.rawValue.utf8).withUnsafeBufferPointer { Delivery.spellings.word(for: $0) } == value)
        }
        #expect(Array("at-least-twice".utf8).withUnsafeBufferPointer { Delivery.spellings.word(for: $0) } == nil)
    }
}
