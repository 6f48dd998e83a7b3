import FaultlineModel
import FaultlineYAML
import Testing

/// A large topology's services are read in two halves side by side; the
/// result must be what reading them in order gives.
@Suite("Large loads")
struct LargeLoadTests {
    /// `count` services; each calls the next two (some from an operation) and every fifth has a typo'd field when `broken`.
    static func topology(services count: Int, broken: Bool = false) -> String {
        var text = "faultline: 1\ndefaults:\n  timeout: 1s\nservices:\n"
        for index in 0..<count {
            text += "  s\(index):\n"
            if broken && index % 500 == 499 { text += "    timeuot: 2s\n" }
            text += "    calls:\n      - { to: s\((index + 1) % count), retry: none }\n"
            text += "    operations:\n      Op\(index):\n        calls:\n"
            text += "          - { to: s\((index + 2) % count), operation: Op\((index + 2) % count), timeout: \(index % 7 + 1)00ms, retry: { max_attempts: \(index % 3 + 1) } }\n"
        }
        return text
    }

    @Test("every call id points at a call of that service and operation, in file order")
    func callIDs() throws {
        let count = 3_001
        let topology = try loadValid(Self.topology(services: count))
        #expect(topology.services.count == count)
        #expect(topology.calls.count == 2 * count)
        var expected = 0
        for (id, service) in topology.services.enumerated() {
            #expect(service.calls == [expected])
            #expect(service.operations.map(\.calls) == [[expected + 1]])
            let direct = topology.calls[expected], fromOperation = topology.calls[expected + 1]
            #expect(direct.caller == id && direct.callerOperation == nil && direct.target == (id + 1) % count)
            #expect(fromOperation.caller == id && fromOperation.callerOperation == 0 && fromOperation.target == (id + 2) % count)
            #expect(fromOperation.targetOperation == 0)
            #expect(fromOperation.timeout == Duration(microseconds: Int64(id % 7 + 1) * 100_000))
            #expect(fromOperation.retry.maxAttempts == id % 3 + 1)
            #expect(direct.timeout == Duration(microseconds: 1_000_000))
            #expect(direct.location.line == 5 + 7 * id + 2)
            expected += 2
        }
    }

    @Test("problems in both halves are all reported, in file order")
    func diagnosticsFromBothHalves() {
        let found = diagnostics(Self.topology(services: 3_000, broken: true))
        #expect(found.count == 6)
        #expect(found.allSatisfy { $0.message.contains("unknown key 'timeuot'") })
        #expect(found.map(\.location.line) == found.map(\.location.line).sorted())
    }

    @Test("a call is a plain value: slots the cores leave unwritten when a call does not load need no clean-up")
    func callsArePlainValues() {
        #expect(_isPOD(Call.self))
    }

    @Test("calls that do not load in either half: each is reported, and the halves still join")
    func undeclaredTargetsInBothHalves() {
        var text = Self.topology(services: 3_000)
        // One bad target early in each half: the first half then ends with fewer calls than entries.
        text = text.replacing("- { to: s11, retry: none }", with: "- { to: nowhere-a, retry: none }")
        text = text.replacing("- { to: s2001, retry: none }", with: "- { to: nowhere-b, retry: none }")
        let found = diagnostics(text)
        #expect(found.map(\.message).map { $0.hasPrefix("service 'nowhere-") } == [true, true])
        #expect(found.map(\.location.line) == [5 + 7 * 10 + 2, 5 + 7 * 2000 + 2])
    }

    @Test("channels and datastores of a large topology are read by the halves, problems included")
    func channelsAndDatastoresBesideTheHalves() throws {
        let sections = "channels:\n  orders: { broker: kafka, dlq: orders.dlq }\n  orders.dlq: {}\ndatastores:\n  db: { kind: postgres }\n"
        let topology = try loadValid(Self.topology(services: 3_000) + sections)
        #expect(topology.channels.map(\.name) == ["orders", "orders.dlq"])
        #expect(topology.channels[0].broker == .kafka && topology.channels[0].dlq == 1)
        #expect(topology.datastores.map(\.name) == ["db"] && topology.datastores[0].kind == "postgres")

        let broken = "channels:\n  orders: { broker: kafak, dlq: nowhere }\ndatastores:\n  db: { knd: postgres }\n"
        let found = diagnostics(Self.topology(services: 3_000) + broken)
        #expect(found.count == 3)
        #expect(found.map(\.location.line) == found.map(\.location.line).sorted())
        #expect(found.contains { $0.message.contains("'broker'") } && found.contains { $0.message.contains("channel 'nowhere'") })
        #expect(found.contains { $0.message.contains("unknown key 'knd'") })
    }
}
