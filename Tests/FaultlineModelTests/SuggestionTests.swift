import FaultlineModel
import Testing

@Suite("Suggestions and names")
struct SuggestionTests {
    static let callKeys = ["to", "operation", "via", "timeout", "retry", "circuit_breaker", "per_request", "idempotent", "parallel", "optional"]

    @Test("a likely typo gets the closest key", arguments: [
        ("timout", "timeout"),
        ("timoeut", "timeout"),
        ("TimeOut", "timeout"),
        ("retyr", "retry"),
        ("perrequest", "per_request"),
        ("idempotant", "idempotent"),
    ])
    func closest(word: String, expected: String) {
        #expect(Suggestions.closest(to: word, in: Self.callKeys) == expected)
    }

    @Test("a word far from every candidate gets no suggestion, unless one is always wanted")
    func tooFar() {
        #expect(Suggestions.closest(to: "kafka-cluster", in: Self.callKeys) == nil)
        #expect(Suggestions.closest(to: "xyz", in: Self.callKeys) == nil)
        #expect(Suggestions.closest(to: "kafka-cluster", in: Self.callKeys, alwaysSuggest: true) != nil)
        #expect(Suggestions.closest(to: "anything", in: [String]()) == nil)
    }

    @Test("ties go to the earlier candidate")
    func ties() {
        #expect(Suggestions.closest(to: "ab", in: ["ac", "ad"]) == "ac")
        #expect(Suggestions.closest(to: "ab", in: ["ad", "ac"]) == "ad")
    }

    @Test("valid names", arguments: ["a", "checkout", "Svc-1", "orders_db", "v1.2.3", "A-b_C.d"])
    func validName(name: String) {
        #expect(Names.problem(in: name) == nil)
    }

    @Test("invalid names and why", arguments: [
        ("", "it is empty"),
        ("billing service", "it contains a space"),
        ("a/b", "it contains '/'"),
        ("tab\there", "it contains a control character (U+9)"),
        ("café", "it contains 'é'"),
        ("a:b", "it contains ':'"),
    ])
    func invalidName(name: String, problem: String) {
        #expect(Names.problem(in: name) == problem)
    }

    @Test("control characters are escaped for printing")
    func printable() {
        #expect(Names.printable("bad\u{1}name") == "bad\\u{1}name")
        #expect(Names.printable("fine") == "fine")
    }
}
