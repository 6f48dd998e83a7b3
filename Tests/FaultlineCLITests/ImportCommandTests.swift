import Foundation
import Testing

/// `faultline import` and `faultline lint --from`, end to end, on the fixtures in
/// `examples/import/`, against golden files in `examples/import/expected/`.
@Suite("import and lint --from")
struct ImportCommandTests {
    static let sources = ["compose", "kubernetes", "backstage"]

    func scratch(_ files: [String: String]) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, text) in files {
            let url = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return directory.path
    }

    @Test("import writes the topology (golden), a summary on standard error, exit 0", arguments: sources)
    func importGolden(_ source: String) throws {
        let result = try CLI.run(["import", source, "examples/import/\(source)"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("faultline: imported "))
        #expect(result.stderr.split(separator: "\n").count == 1, "one summary line without --verbose")
        try CLI.expectGolden(result.stdout, "examples/import/expected/\(source).yaml")
    }

    @Test("the imported topology lints as a file of its own", arguments: sources)
    func roundTrip(_ source: String) throws {
        let directory = try scratch([:])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let output = directory + "/topology.yaml"
        let imported = try CLI.run(["import", source, "examples/import/\(source)", "--output", output])
        #expect(imported.status == 0)
        #expect(imported.stdout.isEmpty)
        let linted = try CLI.run(["lint", "--format", "json", output])
        #expect(linted.status == 0 || linted.status == 1, "\(linted.stderr)")
        #expect(linted.stderr.isEmpty)
    }

    @Test("lint --from reports findings at the source files' positions (golden)", arguments: sources)
    func lintFromGolden(_ source: String) throws {
        let result = try CLI.run(["lint", "--from", source, "examples/import/\(source)"])
        #expect(result.status == 1, "the fixtures have errors: \(result.stderr)")
        #expect(!result.stdout.contains("<imported>"))
        for line in result.stdout.split(separator: "\n") where line.contains(": error: ") || line.contains(": warning: ") || line.contains(": note: ") {
            #expect(line.hasPrefix("examples/import/\(source)/"), "\(line)")
        }
        try CLI.expectGolden(result.stdout, "examples/import/expected/\(source).lint.txt")
    }

    @Test("Kubernetes: a missing timeout sits on the env var without a route, on the VirtualService route with one")
    func whereTheFixBelongs() throws {
        let result = try CLI.run(["lint", "--from", "kubernetes", "examples/import/kubernetes"])
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("examples/import/kubernetes/manifests/frontend.yaml:43:22: error: frontend calls shippingservice synchronously with no timeout") })
        #expect(lines.contains { $0.hasPrefix("examples/import/kubernetes/istio/routes.yaml:68:7: error: frontend calls recommendationservice synchronously with no timeout") })
        #expect(lines.contains { $0.contains("[missing-dlq]") && $0.hasPrefix("examples/import/kubernetes/manifests/analytics.yaml:") })
        #expect(result.stdout.contains("in 17 files"), "the summary counts the source files")
    }

    @Test("lint --from in JSON and SARIF names the source files, never the generated one")
    func formats() throws {
        let json = try CLI.run(["lint", "--from", "compose", "--format", "json", "examples/import/compose"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(report["files"] as? [String] == ["examples/import/compose/docker-compose.yml", "examples/import/compose/docker-compose.override.yml"])
        let findings = try #require(report["findings"] as? [[String: Any]])
        #expect(!findings.isEmpty)
        #expect(findings.allSatisfy { ($0["file"] as? String)?.hasPrefix("examples/import/compose/") == true })
        let sarif = try CLI.run(["lint", "--from", "compose", "--format", "sarif", "examples/import/compose"])
        #expect(!sarif.stdout.contains("<imported>"))
    }

    @Test("--verbose lists the notes; --no-mesh-defaults drops Istio's default retries")
    func flags() throws {
        let verbose = try CLI.run(["import", "kubernetes", "--verbose", "examples/import/kubernetes"])
        #expect(verbose.stderr.contains("faultline: note: skipped kind ServiceAccount"))
        #expect(verbose.stderr.contains("faultline: note: VirtualService route field 'fault' is not modelled"))
        let with = try CLI.run(["import", "kubernetes", "examples/import/kubernetes"])
        let without = try CLI.run(["import", "kubernetes", "--no-mesh-defaults", "examples/import/kubernetes"])
        #expect(with.stdout.contains("Istio default retries"))
        #expect(!without.stdout.contains("Istio default retries"))
        let lint = try CLI.run(["lint", "--from", "kubernetes", "--no-mesh-defaults", "--verbose", "examples/import/kubernetes"])
        #expect(lint.stdout.contains("shippingservice with no retry policy"))
        #expect(lint.stderr.contains("faultline: note: "))
    }

    @Test("malformed input: every problem, positioned in the source, exit 2, nothing on standard output")
    func invalid() throws {
        let directory = try scratch([
            "k8s/a.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: { namespace: x }\n",
            "k8s/sub/b.yaml": "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: v }\nspec:\n  hosts: [a]\n  http:\n    - timeout: soon\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for command in [["import", "kubernetes", "k8s"], ["lint", "--from", "kubernetes", "k8s"]] {
            let result = try CLI.run(command, in: directory)
            #expect(result.status == 2)
            #expect(result.stdout.isEmpty)
            let lines = result.stderr.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasPrefix("k8s/a.yaml:3:11: error: this Deployment needs 'metadata.name'") == true, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("k8s/sub/b.yaml:7:16: error: route timeout 'soon' is not a duration") })
        }
    }

    @Test("directories: Compose looks for its files, Kubernetes and Backstage walk every YAML file below")
    func directories() throws {
        let directory = try scratch([
            "app/compose.yaml": "services:\n  web:\n    image: acme/web\n    environment: { API_URL: http://api }\n  api:\n    image: acme/api\n",
            "app/compose.override.yaml": "services:\n  api:\n    ports: ['80:80']\n",
            "app/other.yaml": "not: compose\n",
            "empty/readme.txt": "nothing here\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let compose = try CLI.run(["import", "compose", "app"], in: directory)
        #expect(compose.status == 0, "\(compose.stderr)")
        #expect(compose.stdout.contains("from 2 files"))
        #expect(compose.stdout.contains("# from app/compose.override.yaml:3 published ports"))
        let empty = try CLI.run(["import", "kubernetes", "empty"], in: directory)
        #expect(empty.status == 2)
        #expect(empty.stderr.hasPrefix("empty:1:1: error: this directory holds no .yaml or .yml file"))
        let missing = try CLI.run(["import", "compose", "nowhere.yaml"], in: directory)
        #expect(missing.status == 2)
        #expect(missing.stderr.hasPrefix("nowhere.yaml:1:1: error: cannot read the file"))
    }

    @Test("standard input with --stdin-filename, and usage errors exit 2")
    func stdinAndUsage() throws {
        let result = try CLI.run(["import", "compose", "-", "--stdin-filename", "compose.yaml"],
                                 stdin: "services:\n  web:\n    image: acme/web\n")
        #expect(result.status == 0)
        #expect(result.stdout.contains("# from compose.yaml:2 compose service web"))
        for arguments in [["import"], ["import", "helm", "x"], ["import", "compose"], ["lint", "--from", "nomad", "x"]] {
            #expect(try CLI.run(arguments).status == 2, "\(arguments)")
        }
    }
}
