import FaultlineModel
import FaultlineYAML
import Testing

@Suite("Loader: several files, one system")
struct MultiFileTests {
    static let fileA = """
        faultline: 1
        system: shop
        defaults:
          timeout: 1s
          retry: { max_attempts: 2 }
        services:
          a:
            calls:
              - to: b
              - { to: b, operation: Get }
            publishes: [events]
        datastores:
          db: {}
        """
    static let fileB = """
        faultline: 1
        services:
          b:
            operations:
              Get: {}
            calls:
              - to: a
            datastores: [db]
            consumes:
              - { from: events, dlq: events-dlq }
        channels:
          events: { dlq: events-dlq }
          events-dlq: {}
        """

    @Test("references resolve across files; declarations keep file order")
    func crossFileReferences() throws {
        let topology = try requireValid(load([("a.yaml", Self.fileA), ("b.yaml", Self.fileB)]))
        #expect(topology.files == ["a.yaml", "b.yaml"])
        #expect(topology.system == "shop")
        #expect(topology.services.map(\.name) == ["a", "b"])
        let a = try topology.serviceID("a"), b = try topology.serviceID("b")
        let aCalls = try topology.directCalls(of: "a")
        #expect(aCalls.map(\.target) == [b, b])
        #expect(aCalls.map(\.targetOperation) == [nil, 0])
        #expect(aCalls.map(\.location.file) == ["a.yaml", "a.yaml"])
        let bCall = try #require(try topology.directCalls(of: "b").first)
        #expect(bCall.target == a)
        #expect(bCall.location == FaultlineYAML.SourceLocation(file: "b.yaml", line: 7, column: 13))
        #expect(topology.services[a].publishes == [try topology.channelID("events")])
        #expect(topology.services[b].datastores.map(\.datastore) == [try topology.datastoreID("db")])
        #expect(topology.services[b].consumes.first?.dlq == (try topology.channelID("events-dlq")))
        #expect(topology.services[b].location.file == "b.yaml")
    }

    @Test("a file's defaults apply only to the calls declared in that file")
    func defaultsStayInTheirFile() throws {
        let topology = try requireValid(load([("a.yaml", Self.fileA), ("b.yaml", Self.fileB)]))
        for call in try topology.directCalls(of: "a") {
            #expect(call.timeout == .seconds(1))
            #expect(call.timeoutSource == .defaults)
            #expect(call.retry.maxAttempts == 2)
            #expect(call.retrySource == .defaults)
        }
        let bCall = try #require(try topology.directCalls(of: "b").first)
        #expect(bCall.timeout == nil)
        #expect(bCall.timeoutSource == .unset)
        #expect(bCall.retry == .unset)
        #expect(bCall.retrySource == .unset)
    }

    @Test("the order of files does not change what resolves")
    func reversedOrder() throws {
        let topology = try requireValid(load([("b.yaml", Self.fileB), ("a.yaml", Self.fileA)]))
        #expect(topology.services.map(\.name) == ["b", "a"])
        #expect(try topology.directCalls(of: "a").allSatisfy { $0.timeout == .seconds(1) })
        #expect(try topology.directCalls(of: "b").allSatisfy { $0.timeout == nil })
        #expect(topology.system == "shop")
    }

    @Test("a service declared in two files is an error naming both places")
    func serviceDeclaredTwice() throws {
        let found = diagnostics(of: load([
            ("a.yaml", "faultline: 1\nservices:\n  shared: {}\n  a: {}\n"),
            ("b.yaml", "faultline: 1\nservices:\n  b: {}\n  shared: { tracing: true }\n"),
        ]))
        let diagnostic = try #require(found.first)
        #expect(found.count == 1)
        #expect(diagnostic.location == FaultlineYAML.SourceLocation(file: "b.yaml", line: 4, column: 3))
        #expect(diagnostic.message.contains("service 'shared' is declared twice"))
        #expect(diagnostic.message.contains("a.yaml:3:3"))
    }

    @Test("channels and datastores declared in two files are errors too")
    func channelAndDatastoreDeclaredTwice() {
        let found = diagnostics(of: load([
            ("a.yaml", "faultline: 1\nservices: { a: {} }\nchannels: { events: {} }\ndatastores: { db: {} }\n"),
            ("b.yaml", "faultline: 1\nservices: { b: {} }\nchannels: { events: {} }\ndatastores: { db: {} }\n"),
        ]))
        #expect(found.map(\.location.description) == ["b.yaml:3:13", "b.yaml:4:15"])
        #expect(found.first?.message.contains("channel 'events' is declared twice: here and at a.yaml:3:13") == true)
        #expect(found.last?.message.contains("datastore 'db' is declared twice: here and at a.yaml:4:15") == true)
    }

    @Test("each kind of name has its own namespace across files")
    func separateNamespaces() throws {
        let topology = try requireValid(load([
            ("a.yaml", "faultline: 1\nservices: { orders: {} }\n"),
            ("b.yaml", "faultline: 1\nservices: { b: { publishes: [orders], datastores: [orders] } }\nchannels: { orders: {} }\ndatastores: { orders: {} }\n"),
        ]))
        #expect(topology.services.map(\.name) == ["orders", "b"])
        #expect(topology.channels.map(\.name) == ["orders"])
        #expect(topology.datastores.map(\.name) == ["orders"])
    }

    @Test("diagnostics from several files come sorted by file, line and column")
    func sortedAcrossFiles() {
        let found = diagnostics(of: load([
            ("z.yaml", "faultline: 1\nservices:\n  z: { calls: [{ to: nope }] }\n"),
            ("m.yaml", "faultline: 1\nservices:\n  m: { tracing: maybe, calls: [{ to: z, timeout: 3 }] }\n"),
        ]))
        #expect(found.map(\.location.description) == ["m.yaml:3:17", "m.yaml:3:50", "z.yaml:3:22"])
    }

    @Test("every file needs its own version line, and a broken file fails the whole load")
    func perFileProblems() {
        let found = diagnostics(of: load([
            ("a.yaml", "faultline: 1\nservices: { a: { calls: [{ to: b }] } }\n"),
            ("b.yaml", "services: { b: {} }\n"),
            ("c.yaml", "faultline: 1\nservices: { c: [\n"),
        ]))
        #expect(found.contains { $0.location.description == "b.yaml:1:1" && $0.message.contains("missing 'faultline: 1'") })
        #expect(found.contains { $0.location.file == "c.yaml" }, "\(found)")
        #expect(!found.contains { $0.location.file == "a.yaml" })
    }
}
