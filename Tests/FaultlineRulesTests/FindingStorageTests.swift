import FaultlineModel
import FaultlineRules
import FaultlineYAML
import Testing

/// Findings share one allocation between copies until one is changed, and
/// messages are built as bytes: neither may be visible from outside.
@Suite("Finding storage and messages")
struct FindingStorageTests {
    static let here = SourceLocation(file: "t.yaml", line: 3, column: 5)

    static func sample() -> Finding {
        Finding(rule: "missing-timeout", severity: .error, message: "a calls b × 3 — with no timeout", service: "a",
                operation: "Op", target: "b", path: ["a", "b"], location: here)
    }

    @Test("changing a copy leaves the original as it was")
    func copyOnWrite() {
        let original = Self.sample()
        var copy = original
        copy.message = "changed"
        copy.location = SourceLocation(file: "u.yaml", line: 1, column: 1)
        copy.suppression = Suppression(kind: .inline, reason: "known", location: Self.here)
        copy.baselineState = .unchanged
        copy.channel = "orders"
        copy.path = nil
        #expect(original.message == "a calls b × 3 — with no timeout")
        #expect(original.location == Self.here)
        #expect(original.suppression == nil && original.baselineState == nil && original.channel == nil)
        #expect(original.path == ["a", "b"])
        #expect(copy.message == "changed" && copy.channel == "orders" && copy.path == nil)
        #expect(copy.suppression?.reason == "known" && copy.baselineState == .unchanged)
        #expect(original != copy)
        #expect(original == Self.sample())
        #expect(original.hashValue == Self.sample().hashValue)
    }

    @Test("the rare fields can be set and cleared one by one")
    func rareFields() {
        var finding = Self.sample()
        finding.datastore = "db"
        finding.suppression = Suppression(kind: .configuration, reason: "r", location: Self.here)
        finding.path = nil
        #expect(finding.datastore == "db" && finding.suppression != nil && finding.path == nil)
        finding.datastore = nil
        finding.suppression = nil
        #expect(finding.datastore == nil && finding.suppression == nil && finding.channel == nil)
        #expect(finding.withMessageBytes { Array($0) } == Array(finding.message.utf8))
    }

    @Test("durations in messages read as Duration.description does", arguments: [
        0, 1, 999, 1_000, 1_500, 250_000, 1_000_000, 1_050_000, 1_500_000, 10_550_000, 59_999_999,
        60_000_000, 90_000_000, 3_600_000_000, 5_400_000_000, Int64.max,
    ] as [Int64])
    func durations(_ microseconds: Int64) {
        let duration = Duration(microseconds: microseconds)
        let message: Message = "waits \(duration) for it"
        #expect(message.text == "waits \(duration.description) for it")
    }

    @Test("numbers, strings and other messages in messages", arguments: [0, 7, -12, 1_000_000, Int.max, Int.min])
    func numbers(_ number: Int) {
        let inner: Message = "inner × \(number)"
        let message: Message = "n=\(number), s=\("text — ünïcode"), m=(\(inner))"
        #expect(message.text == "n=\(String(number)), s=text — ünïcode, m=(inner × \(String(number)))")
    }

    @Test("a message that outgrows its first allocation, and its trimmed copy, keep every byte",
          arguments: [0, 1, 10, 200, 5_000])
    func growingAndTrimmed(_ length: Int) {
        let long = String(repeating: "payments-ledger-", count: length)
        let message: Message = "a\(long)b \(length) × c"
        let expected = "a\(long)b \(String(length)) × c"
        #expect(message.text == expected)
        #expect(message.trimmed().text == expected)
        #expect(message.bytes == Array(expected.utf8))
    }
}

/// A finding may keep what its message is made from instead of the text
/// (`MessageSource`): it must read, compare and change as one made with the
/// text, on any thread.
/// The service, operation and target names are kept as bytes after the
/// message; none of that may show from outside.
@Suite("Finding names")
struct FindingNameTests {
    static let here = SourceLocation(file: "t.yaml", line: 3, column: 5)

    @Test("names read back as given, with or without a message source",
          arguments: [("a", "Op", "b"), ("checkout-payment-authorizer", nil, "ledger-→-ünïcode"), (nil, nil, nil), ("", "", "")]
            as [(String?, String?, String?)])
    func readBack(_ service: String?, _ operation: String?, _ target: String?) {
        let eager = Finding(rule: "r", severity: .note, message: "m × 2", service: service, operation: operation, target: target, location: Self.here)
        let deferred = Finding(rule: "r", severity: .note, source: MessageSource { _ in "m × 2" }, subject: .init(1, 2), service: service,
                               operation: operation, target: target, location: Self.here)
        for finding in [eager, deferred] {
            #expect(finding.service == service && finding.operation == operation && finding.target == target)
            #expect(finding.withNameBytes(.service) { $0.map(Array.init) } == service.map { Array($0.utf8) })
            #expect(finding.withNameBytes(.operation) { $0.map(Array.init) } == operation.map { Array($0.utf8) })
            #expect(finding.withNameBytes(.target) { $0.map(Array.init) } == target.map { Array($0.utf8) })
            #expect(finding.message == "m × 2")
        }
        #expect(eager == deferred)
    }

    @Test("each name can be changed or removed on its own; the message and the original stay")
    func changeOneName() {
        let original = Finding(rule: "r", severity: .error, message: "text", service: "svc", operation: "Op", target: "tgt", location: Self.here)
        var changed = original
        changed.operation = nil
        #expect(changed.service == "svc" && changed.operation == nil && changed.target == "tgt" && changed.message == "text")
        changed.service = "a-much-longer-service-name"
        changed.target = ""
        #expect(changed.service == "a-much-longer-service-name" && changed.operation == nil && changed.target == "")
        #expect(changed.message == "text")
        #expect(original.service == "svc" && original.operation == "Op" && original.target == "tgt")
        #expect(changed != original)
        changed.service = "svc"
        changed.operation = "Op"
        changed.target = "tgt"
        #expect(changed == original)
    }

    @Test("findings differing only in which name is missing, or in a name's bytes, differ",
          arguments: [("svc", nil, "x"), (nil, "svc", "x"), ("svc", "x", nil), ("svd", nil, "x")] as [(String?, String?, String?)])
    func namesTakePartInEquality(_ service: String?, _ operation: String?, _ target: String?) {
        let reference = Finding(rule: "r", severity: .error, message: "m", service: "svc", operation: nil, target: "x", location: Self.here)
        let other = Finding(rule: "r", severity: .error, message: "m", service: service, operation: operation, target: target, location: Self.here)
        #expect((other == reference) == (service == "svc" && operation == nil && target == "x"))
    }
}

@Suite("Messages made when read")
struct DeferredMessageTests {
    static let here = SourceLocation(file: "t.yaml", line: 3, column: 5)
    static let source = MessageSource { subject in
        "call \(subject.first) reaches node \(subject.second) — \(String(repeating: "x", count: subject.first)) ✓"
    }

    static func deferred(_ first: Int, _ second: Int) -> Finding {
        Finding(rule: "timeout-inversion", severity: .warning, source: source, subject: .init(first, second), service: "a",
                operation: "Op", target: "b", location: here)
    }

    static func eager(_ first: Int, _ second: Int) -> Finding {
        Finding(rule: "timeout-inversion", severity: .warning,
                message: "call \(first) reaches node \(second) — \(String(repeating: "x", count: first)) ✓",
                service: "a", operation: "Op", target: "b", location: here)
    }

    @Test("it reads, compares and hashes as the finding made with its text", arguments: [(0, 0), (7, -1), (300, Int.max)])
    func sameAsText(_ first: Int, _ second: Int) {
        let deferred = Self.deferred(first, second), eager = Self.eager(first, second)
        #expect(deferred.message == eager.message)
        #expect(deferred.withMessageBytes { Array($0) } == Array(eager.message.utf8))
        #expect(deferred == eager)
        #expect(deferred.hashValue == eager.hashValue)
        #expect(deferred != Self.deferred(first + 1, second))
    }

    @Test("copies keep the source; a new message replaces it, and the original is unchanged")
    func copiesAndChanges() {
        let original = Self.deferred(12, 4)
        var moved = original
        moved.location = SourceLocation(file: "u.yaml", line: 9, column: 1)
        moved.suppression = Suppression(kind: .inline, reason: "known", location: Self.here)
        #expect(moved.message == Self.eager(12, 4).message)
        var rewritten = original
        rewritten.message = "rewritten"
        #expect(rewritten.message == "rewritten")
        #expect(rewritten.withMessageBytes { $0.count } == "rewritten".utf8.count)
        #expect(original.message == Self.eager(12, 4).message && original.location == Self.here)
    }

    @Test("messages are made on several threads at once, each the same text")
    func onThreads() {
        let findings = (0..<2_000).map { Self.deferred($0 % 50, $0) }
        let texts = concurrentMap(4) { part in findings.enumerated().filter { $0.offset % 4 == part }.map { ($0.offset, $0.element.message) } }
        for (index, text) in texts.joined() {
            #expect(text == Self.eager(index % 50, index).message)
        }
    }
}
