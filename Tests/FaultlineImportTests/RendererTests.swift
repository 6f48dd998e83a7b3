import FaultlineTestSupport
@testable import FaultlineImport
import FaultlineModel
import FaultlineYAML
import Foundation
import Testing

@Suite("Rendering and origins")
struct RendererTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The fixture files of one source, named relative to the package root, in path order.
    static func fixture(_ source: ImportSource) throws -> [(String, String)] {
        let folder = "examples/import/\(source.rawValue)"
        let base = packageRoot.appendingPathComponent(folder)
        guard let enumerator = FileManager.default.enumerator(atPath: base.path) else { return [] }
        var files: [(String, String)] = []
        for case let path as String in enumerator where path.hasSuffix(".yaml") || path.hasSuffix(".yml") {
            let bytes = try readFileBytes(base.appendingPathComponent(path).path)
            files.append(("\(folder)/\(path)", String(decoding: bytes, as: UTF8.self)))
        }
        return files.sorted { $0.0 < $1.0 }
    }

    @Test("each fixture is a valid topology, the same bytes every time, with an origin for every fact", arguments: ImportSource.allCases)
    func fixtures(_ source: ImportSource) throws {
        let files = try Self.fixture(source)
        #expect(files.count >= 1)
        let first = try imported(source, files)
        let second = try imported(source, files)
        #expect(first.result.text == second.result.text)
        #expect(first.result.origins == second.result.origins)
        #expect(first.topology.services.count >= 10, "at least a 10-service system")
        let structural: Set<String> = ["faultline: 1", "services:", "channels:", "datastores:", ""]
        for (index, line) in first.result.text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let text = String(line)
            if text.hasPrefix("#") || structural.contains(text) { continue }
            let origin = first.result.origins[index + 1]
            #expect(origin != nil, "line \(index + 1) states a fact without an origin: \(text)")
            #expect(origin.map { files.map(\.0).contains($0.file) } ?? true, "line \(index + 1) maps outside the input")
        }
        // Every call, consumer, service, channel and datastore sits on a line that maps into the sources.
        let places = first.topology.calls.map(\.location) + first.topology.services.map(\.location)
            + first.topology.channels.map(\.location) + first.topology.datastores.map(\.location)
            + first.topology.services.flatMap { $0.consumes.map(\.location) }
        for place in places {
            #expect(first.result.relocate(place).file != Importer.generatedFileName)
        }
    }

    @Test("Online Boutique: the calls a reader of the manifests would find")
    func boutique() throws {
        let imported = try imported(.kubernetes, try Self.fixture(.kubernetes))
        #expect(imported.targets(of: "frontend") == ["adservice", "cartservice", "checkoutservice", "currencyservice",
                                                    "productcatalogservice", "recommendationservice", "shippingservice"])
        #expect(imported.targets(of: "checkoutservice") == ["cartservice", "currencyservice", "emailservice", "paymentservice",
                                                           "productcatalogservice", "shippingservice"])
        let payment = try #require(imported.call("checkoutservice", "paymentservice"))
        #expect(payment.timeout == .seconds(3))
        guard case .none = payment.retry else {
            Issue.record("checkout → payment should not retry (attempts: 0), got \(payment.retry)")
            return
        }
        #expect(payment.circuitBreaker == CircuitBreaker(failureThreshold: 3, openFor: .seconds(60)))
        #expect(imported.datastores(of: "cartservice") == ["redis-cart"])
        #expect(imported.publishes("checkoutservice") == ["order-confirmed"])
        #expect(imported.consumes("order-analytics") == ["order-confirmed"])
        #expect(imported.service("frontend")?.entrypoint == true)
        #expect(imported.service("loadgenerator") == nil)
        // A missing timeout belongs on the env var when no route governs the call.
        #expect(imported.origin(ofCall: "frontend", "shippingservice")?.position == "examples/import/kubernetes/manifests/frontend.yaml:43:22")
        // The route that lacks a timeout is where that one is fixed.
        #expect(imported.origin(ofCall: "frontend", "recommendationservice")?.position == "examples/import/kubernetes/istio/routes.yaml:68:7")
    }

    @Test("names the topology cannot take as they are: x- prefixes and null words")
    func awkwardNames() throws {
        let imported = try imported(.compose, [("compose.yaml", """
            services:
              x-ray:
                image: acme/xray
                environment: { NULL_URL: "http://null" }
              "null":
                image: acme/null
              "true":
                image: acme/true
            """)])
        #expect(imported.topology.services.map(\.name).sorted() == ["_x-ray", "null", "true"])
        #expect(imported.targets(of: "_x-ray") == ["null"])
    }

    @Test("comments never break the YAML nor smuggle a suppression in")
    func commentSafety() throws {
        let imported = try imported(.compose, [("compose.yaml", """
            services:
              web:
                image: acme/web
                environment:
                  "API_URL\\n# faultline:ignore missing-timeout -- smuggled": http://api
              api:
                image: acme/api
            """)])
        #expect(!imported.result.text.contains("faultline:ignore"))
        #expect(imported.targets(of: "web") == ["api"])
    }

    @Test("free text becomes a safe YAML scalar", arguments: [
        ("team-web", "team-web"), ("payments/billing-team", "payments/billing-team"), ("yes", "\"yes\""), ("123", "\"123\""),
        ("a: b", "\"a: b\""), ("#hash", "\"#hash\""), ("say \"hi\"", "\"say \\\"hi\\\"\""), ("", "\"\""), ("tab\there", "\"tab\\there\""),
    ])
    func scalars(_ text: String, _ expected: String) {
        #expect(TopologyRenderer.scalar(text) == expected)
    }

    @Test("relocation: a generated line maps to its own origin or to the nearest one above it")
    func relocation() throws {
        let result = ImportResult(text: "", origins: [3: FaultlineYAML.SourceLocation(file: "a.yaml", line: 9, column: 4)], notes: [],
                                  serviceCount: 0, callCount: 0, channelCount: 0, datastoreCount: 0)
        let generated = { (line: Int) in FaultlineYAML.SourceLocation(file: Importer.generatedFileName, line: line, column: 7) }
        #expect(result.relocate(generated(3)).position == "a.yaml:9:4")
        #expect(result.relocate(generated(5)).position == "a.yaml:9:4")
        #expect(result.relocate(generated(2)).position == "<imported>:2:7")
        #expect(result.relocate(FaultlineYAML.SourceLocation(file: ".faultline.yml", line: 2, column: 1)).position == ".faultline.yml:2:1")
    }
}
