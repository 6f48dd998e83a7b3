import Foundation
import Testing

/// Adopting the gate on a real system: baselines, suppressions, and input
/// from standard input and directories, end to end through the binary.
@Suite("CI gate")
struct GateTests {
    func scratch(_ files: [String: String]) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-gate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: directory.appendingPathComponent(name)) }
        return directory.path
    }

    /// The example with its services in another order: the first service block
    /// moved to the end of `services:`, with a comment and blank lines shifting every line.
    static func reordered(_ text: String) throws -> String {
        var lines = text.components(separatedBy: "\n")
        let servicesStart = try #require(lines.firstIndex(of: "services:"))
        let servicesEnd = lines[(servicesStart + 1)...].firstIndex { !$0.isEmpty && !$0.hasPrefix(" ") && !$0.hasPrefix("#") } ?? lines.count
        let isServiceKey = { (line: String) in line.hasPrefix("  ") && !line.hasPrefix("   ") && !line.hasPrefix("  #") && line.hasSuffix(":") }
        let firstBlockStart = try #require(lines[(servicesStart + 1)..<servicesEnd].firstIndex(where: isServiceKey))
        let firstBlockEnd = lines[(firstBlockStart + 1)..<servicesEnd].firstIndex(where: isServiceKey) ?? servicesEnd
        let block = Array(lines[firstBlockStart..<firstBlockEnd])
        lines.removeSubrange(firstBlockStart..<firstBlockEnd)
        let insertAt = servicesEnd - block.count
        lines.insert(contentsOf: ["", "  # moved here in a reorganisation"] + block, at: insertAt)
        lines.insert(contentsOf: ["# Reviewed by the platform team.", ""], at: 0)
        return lines.joined(separator: "\n")
    }

    @Test func onlyTheNewFindingFailsTheGateAfterABaseline() throws {
        let original = try CLI.readText(CLI.packageRoot + "/examples/ride-hailing.yaml")
        let directory = try scratch(["topology.yaml": original])
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let recorded = try CLI.run(["lint", "--write-baseline", "baseline.json", "topology.yaml"], in: directory)
        #expect(recorded.status == 0, "recording a baseline is the adoption step, not a failure")
        #expect(recorded.stderr.contains("recorded 10 findings in baseline.json"))
        let before = try CLI.run(["lint", "topology.yaml"], in: directory)
        #expect(before.status == 1, "without the baseline the example fails")

        // Unrelated edits: services moved around, comments added, every line shifted.
        let moved = try Self.reordered(original)
        #expect(moved != original)
        try Data(moved.utf8).write(to: URL(fileURLWithPath: directory + "/topology.yaml"))
        let afterMove = try CLI.run(["lint", "--baseline", "baseline.json", "--format", "json", "topology.yaml"], in: directory)
        #expect(afterMove.status == 0, "moving services makes nothing new: \(afterMove.stdout)")
        #expect(afterMove.stdout.contains("\"baselined\": 10"))
        #expect(!afterMove.stdout.contains("\"baseline\": \"new\""))

        // One new missing timeout.
        let withNewCall = moved.replacingOccurrences(of: "\n  riders:\n", with: """

          riders:
            calls:
              - { to: drivers, retry: none }

        """)
        try Data(withNewCall.utf8).write(to: URL(fileURLWithPath: directory + "/topology.yaml"))
        let gated = try CLI.run(["lint", "--baseline", "baseline.json", "--format", "json", "topology.yaml"], in: directory)
        #expect(gated.status == 1, "the new finding fails the gate")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(gated.stdout.utf8)) as? [String: Any])
        let findings = try #require(report["findings"] as? [[String: Any]])
        let new = findings.filter { $0["baseline"] as? String == "new" }
        #expect(new.count == 1)
        #expect(new.first?["rule"] as? String == "missing-timeout")
        #expect(new.first?["service"] as? String == "riders")
        #expect(new.first?["target"] as? String == "drivers")
        #expect(findings.filter { $0["baseline"] as? String == "unchanged" }.count == 10)

        let text = try CLI.run(["lint", "--baseline", "baseline.json", "topology.yaml"], in: directory)
        #expect(text.stdout.contains("riders calls drivers synchronously with no timeout"))
        #expect(!text.stdout.contains("dispatch calls notifications"), "baselined findings are not printed")
        #expect(text.stdout.contains("1 new, 10 baselined, 0 suppressed, 0 fixed since the baseline"))
    }

    @Test func fixedFindingsAreListedAsFixed() throws {
        let original = """
        faultline: 1
        services:
          frontend:
            tracing: true
            calls:
              - { to: search, retry: none }
              - { to: catalog, retry: none }
          search: { tracing: true }
          catalog: { tracing: true }
        """
        let directory = try scratch(["t.yaml": original])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try CLI.run(["lint", "--write-baseline", "b.json", "t.yaml"], in: directory)
        let fixedText = original.replacingOccurrences(of: "{ to: search, retry: none }", with: "{ to: search, retry: none, timeout: 1s }")
        try Data(fixedText.utf8).write(to: URL(fileURLWithPath: directory + "/t.yaml"))
        let result = try CLI.run(["lint", "--baseline", "b.json", "t.yaml"], in: directory)
        #expect(result.status == 0)
        #expect(result.stdout.contains("Fixed since the baseline:\n  frontend calls search synchronously with no timeout"))
        #expect(result.stdout.contains("0 new, 1 baselined, 0 suppressed, 1 fixed since the baseline"))
    }

    @Test("an unreadable or invalid baseline is invalid input", arguments: [
        ("absent.json", nil as String?, "absent.json:1:1: error: cannot read the file"),
        ("b.json", "{ \"schema\": 7, \"findings\": [] }", "b.json:1:13: error: unsupported baseline schema 7"),
        ("b.json", "{ \"findings\": [ { \"rule\": \"x\" } ] }", "b.json:1:17: error: a baseline entry needs 'identity'"),
    ])
    func invalidBaseline(_ name: String, _ text: String?, _ expected: String) throws {
        var files = ["t.yaml": "faultline: 1\nservices:\n  a: {}\n"]
        if let text { files[name] = text }
        let directory = try scratch(files)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try CLI.run(["lint", "--baseline", name, "t.yaml"], in: directory)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix(expected), "\(result.stderr)")
    }

    static let suppressed = """
    faultline: 1
    defaults: { retry: none }
    services:
      frontend:
        tracing: true
        calls:
          - to: search   # faultline:ignore missing-timeout -- search streams results until the user leaves
          # faultline:ignore missing-timeout, missing-retry-policy -- owned by team-x, tracked in JIRA-42
          - to: catalog
          - to: pricing
      # faultline:ignore missing-tracing -- legacy, retired in Q3
      legacy:
        calls:
          - { to: search, timeout: 1s }   # faultline:ignore missing-timeout -- stale: this call has a timeout
      search: { tracing: true }
      catalog: { tracing: true }
      pricing: { tracing: true }
    """

    @Test func inlineSuppressionsAreKeptMarkedAndNeverCounted() throws {
        let directory = try scratch(["t.yaml": Self.suppressed])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try CLI.run(["lint", "--format", "json", "t.yaml"], in: directory)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let findings = try #require(report["findings"] as? [[String: Any]])
        let suppressed = findings.filter { $0["suppressed"] != nil }
        #expect(suppressed.map { "\($0["rule"] ?? ""):\($0["line"] ?? 0)" } == ["missing-timeout:7", "missing-timeout:9", "missing-tracing:12"])
        let first = try #require(suppressed.first?["suppressed"] as? [String: Any])
        #expect(first["kind"] as? String == "inline")
        #expect(first["reason"] as? String == "search streams results until the user leaves")
        #expect(first["line"] as? Int == 7)
        // pricing is not covered: the comment covers only the next line.
        let active = findings.filter { $0["suppressed"] == nil }.map { "\($0["rule"] ?? ""):\($0["line"] ?? 0)" }
        #expect(active == ["unused-suppression:8", "missing-timeout:10", "unused-suppression:14"])
        #expect(result.status == 1, "pricing's missing timeout is still an error")
        let summary = try #require(report["summary"] as? [String: Int])
        #expect(summary["suppressed"] == 3)
        #expect(summary["error"] == 1)
        #expect(summary["note"] == 2)
    }

    @Test("a malformed suppression is invalid input at the comment", arguments: [
        ("  - to: search   # faultline:ignore missing-timeout", "t.yaml:5:20: error: a suppression needs a reason after '--'"),
        ("  - to: search   # faultline:ignore missing-timout -- reason", "t.yaml:5:20: error: a suppression names an unknown rule 'missing-timout'; did you mean 'missing-timeout'?"),
        ("  - to: search   # faultline:ignore -- reason", "t.yaml:5:20: error: a suppression must name the rule it suppresses"),
        ("  - to: search   # faultline:ignore missing-timeout --   ", "t.yaml:5:20: error: a suppression needs a reason after '--'"),
    ])
    func malformedSuppression(_ line: String, _ expected: String) throws {
        let directory = try scratch(["t.yaml": "faultline: 1\nservices:\n  frontend:\n    calls:\n  \(line)\n  search: {}\n"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try CLI.run(["lint", "t.yaml"], in: directory)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix(expected), "\(result.stderr)")
    }

    @Test func configurationIgnoresByRuleAndServiceGlob() throws {
        let directory = try scratch([
            "t.yaml": """
            faultline: 1
            defaults: { retry: none, timeout: 1s }
            services:
              legacy-billing: {}
              legacy-reports: {}
              checkout: {}
            """,
            ".faultline.yml": """
            ignore:
              - rule: missing-tracing
                service: "legacy-*"
                reason: legacy services are retired in Q3
              - rule: "missing-*"
                service: payments
                reason: stale entry, payments was renamed
            """,
        ])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try CLI.run(["lint", "--format", "json", "--fail-on", "note", "t.yaml"], in: directory)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let findings = try #require(report["findings"] as? [[String: Any]])
        let suppressed = findings.filter { ($0["suppressed"] as? [String: Any])?["kind"] as? String == "configuration" }
        #expect(suppressed.compactMap { $0["service"] as? String } == ["legacy-billing", "legacy-reports"])
        let active = findings.filter { $0["suppressed"] == nil }
        #expect(active.map { "\($0["rule"] ?? "") \($0["file"] ?? ""):\($0["line"] ?? 0)" }.sorted()
                == ["missing-tracing t.yaml:6", "unused-suppression .faultline.yml:5"])
        #expect(result.status == 1)
    }

    @Test("an invalid ignore entry is invalid input", arguments: [
        ("ignore:\n  - rule: missing-tracing\n", ".faultline.yml:2:5: error: an ignore entry needs 'reason:'"),
        ("ignore:\n  - rule: missing-tracng\n    reason: x\n", ".faultline.yml:2:11: error: 'rule' 'missing-tracng' matches no rule; did you mean 'missing-tracing'?"),
        ("ignore:\n  - reason: x\n", ".faultline.yml:2:5: error: an ignore entry needs 'rule:'"),
    ])
    func invalidIgnore(_ text: String, _ expected: String) throws {
        let directory = try scratch(["t.yaml": "faultline: 1\nservices:\n  a: {}\n", ".faultline.yml": text])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try CLI.run(["lint", "t.yaml"], in: directory)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix(expected), "\(result.stderr)")
    }

    @Test func standardInputTakesItsNameFromStdinFilename() throws {
        let topology = "faultline: 1\nservices:\n  a:\n    tracing: true\n    calls: [{ to: b, retry: none }]\n  b: { tracing: true }\n"
        let named = try CLI.run(["lint", "--stdin-filename", "topology/shop.yaml", "-"], stdin: topology)
        #expect(named.status == 1)
        #expect(named.stdout.hasPrefix("topology/shop.yaml:5:19: error: a calls b synchronously with no timeout"))
        let unnamed = try CLI.run(["lint", "-"], stdin: "faultline: 1\nservices: {}\n")
        #expect(unnamed.status == 2)
        #expect(unnamed.stderr.hasPrefix("<stdin>:2:11: error: 'services' is empty"))
    }

    @Test func aDirectoryIsEveryYAMLFileInItAsOneSystem() throws {
        let directory = try scratch([
            "a-edge.yaml": "faultline: 1\nservices:\n  frontend:\n    tracing: true\n    calls: [{ to: orders, timeout: 1s, retry: none }]\n",
            "b-core.yml": "faultline: 1\nservices:\n  orders: { tracing: true }\n",
            ".hidden.yaml": "not: [valid",
            "notes.txt": "not yaml at all: [",
        ])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try CLI.run(["lint", "--format", "json", "."], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"files\": [\n    \"./a-edge.yaml\",\n    \"./b-core.yml\"\n  ]"))
    }
}
