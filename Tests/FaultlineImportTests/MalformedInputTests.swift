@testable import FaultlineImport
import FaultlineModel
import FaultlineYAML
import Testing

/// Broken input ends in positioned errors, every one at once, as for topology files.
@Suite("Malformed input")
struct MalformedInputTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let source: ImportSource
        let text: String
        /// `line:column: start of the message` for each expected problem, in order.
        let expected: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "invalid YAML", source: .compose, text: "services:\n  web: [unclosed\n", expected: ["2:8: this bracket or brace is never closed"]),
        Case(name: "Compose without services", source: .compose, text: "version: '3'\nvolumes: {}\n", expected: ["1:1: a Compose file needs 'services:'"]),
        Case(name: "Compose services as a list", source: .compose, text: "services:\n  - web\n", expected: ["2:3: 'services' must be a mapping"]),
        Case(name: "Compose: a bad service, a bad environment entry and a bad link, all at once", source: .compose, text: """
            services:
              web: nope
              api:
                environment:
                  - [A, B]
                links:
                  - { b: c }
            """, expected: ["2:8: Compose service 'web' must be a mapping", "5:9: an environment entry must be a string", "7:9: a link must be a string"]),
        Case(name: "Compose: two documents", source: .compose, text: "services:\n  a: {}\n---\nservices:\n  b: {}\n", expected: ["4:1: a Compose file holds one YAML document"]),
        Case(name: "Compose: an invalid service name", source: .compose, text: "services:\n  \"web app\":\n    image: x\n", expected: ["2:3: Compose service name 'web app' is not valid"]),
        Case(name: "Kubernetes: apiVersion without kind", source: .kubernetes, text: "apiVersion: v1\nmetadata: { name: x }\n", expected: ["1:1: this Kubernetes object has 'apiVersion' but no 'kind'"]),
        Case(name: "Kubernetes: a document that is a list", source: .kubernetes, text: "- a\n- b\n", expected: ["1:1: a Kubernetes object must be a mapping"]),
        Case(name: "Kubernetes: no metadata.name", source: .kubernetes, text: "apiVersion: apps/v1\nkind: Deployment\nmetadata: { namespace: a }\n", expected: ["3:11: this Deployment needs 'metadata.name'"]),
        Case(name: "Kubernetes: a Deployment without a pod template, an env entry without a name", source: .kubernetes, text: """
            apiVersion: apps/v1
            kind: Deployment
            metadata: { name: a }
            spec: {}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: { name: b }
            spec:
              template:
                spec:
                  containers:
                    - name: main
                      env:
                        - value: x
            """, expected: ["3:19: this Deployment needs a pod template", "15:15: an env entry needs 'name'"]),
        Case(name: "Istio: bad durations and attempts", source: .kubernetes, text: """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: { name: cart }
            spec:
              hosts: [cart]
              http:
                - timeout: 5 seconds
                  retries: { attempts: many, perTryTimeout: 1d }
            """, expected: ["7:16: route timeout '5 seconds' is not a duration", "8:28: 'retries.attempts' must be a whole number",
                            "8:49: 'retries.perTryTimeout' '1d' is not a duration"]),
        Case(name: "Istio: a VirtualService without hosts", source: .kubernetes, text: """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: { name: cart }
            spec:
              http: []
            """, expected: ["5:3: this VirtualService needs 'spec.hosts'"]),
        Case(name: "Backstage: an entity without kind, an invalid reference", source: .backstage, text: """
            apiVersion: backstage.io/v1alpha1
            metadata: { name: a }
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: { name: b }
            spec:
              type: service
              dependsOn: ["component:"]
            """, expected: ["1:1: this Backstage entity needs 'kind'", "9:15: 'component:' is not a valid entity reference"]),
        Case(name: "Backstage: an entity declared twice", source: .backstage, text: """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: { name: a }
            spec: { type: service }
            ---
            apiVersion: backstage.io/v1alpha1
            kind: component
            metadata: { name: a }
            spec: { type: service }
            """, expected: ["8:19: entity component:a is declared twice"]),
    ]

    @Test("positioned errors", arguments: cases)
    func positioned(_ example: Case) {
        let diagnostics = importErrors(example.source, [("in.yaml", example.text)])
        let got = diagnostics.map { "\($0.location.line):\($0.location.column): \($0.message)" }
        #expect(got.count == example.expected.count, "\(got)")
        for (line, expected) in zip(got, example.expected) {
            #expect(line.hasPrefix(expected), "\(line)")
        }
        #expect(diagnostics.allSatisfy { $0.location.file == "in.yaml" })
    }

    @Test("problems in several files are all reported, in file order")
    func severalFiles() {
        let diagnostics = importErrors(.kubernetes, [("b.yaml", "kind: [x]\n"), ("a.yaml", "apiVersion: v1\n")])
        #expect(diagnostics.map(\.position) == ["a.yaml:1:1", "b.yaml:1:7"])
    }

    @Test("input with nothing to import is an error, not an empty topology", arguments: [
        (ImportSource.compose, "services:\n  db: { image: postgres }\n"),
        (.kubernetes, "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n"),
        (.backstage, "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: { name: x }\n"),
    ])
    func nothing(_ source: ImportSource, _ text: String) {
        let diagnostics = importErrors(source, [("in.yaml", text)])
        #expect(diagnostics.map(\.position) == ["in.yaml:1:1"])
        #expect(diagnostics.first?.message.hasPrefix("found no services to import") == true)
    }

    @Test("deep nesting and alias bombs stop at the YAML limits")
    func limits() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(importErrors(.kubernetes, [("deep.yaml", deep)]).first?.message.contains("depth limit") == true)
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 { bomb += "b\(level): &b\(level) [" + Array(repeating: level == 1 ? "*a" : "*b\(level - 1)", count: 10).joined(separator: ", ") + "]\n" }
        #expect(importErrors(.kubernetes, [("bomb.yaml", bomb)]).first?.message.contains("node limit") == true)
    }
}
