import Foundation
import Testing
import FaultlineRules

/// Flags, exit statuses, configuration and the other subcommands.
@Suite("command line")
struct CommandLineTests {
    let findingsExample = "examples/ride-hailing.yaml"

    /// A scratch directory with the given files, removed afterwards by the caller.
    func scratch(_ files: [String: String]) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: directory.appendingPathComponent(name)) }
        return directory.path
    }

    static let smallTopology = """
    faultline: 1
    services:
      frontend:
        entrypoint: true
        calls:
          - to: checkout
            retry: none
          - to: search
            timeout: 1s
      checkout: {}
      search: {}
    """

    /// Over 4 MiB, a file's first read is two `pread`s side by side (`FileInput`);
    /// standard input is read in one pass. The same bytes give the same report.
    @Test func aLargeFileReadsInHalvesToTheSameBytes() throws {
        let padding = "# " + String(repeating: "padding ", count: 256) + "\n"
        var text = "faultline: 1\nservices:\n"
        for index in 0..<2_100 {
            text += padding
            text += "  svc-\(index):\n    tracing: true\n    calls: [{ to: svc-\((index + 1) % 2_100), retry: none }]\n"
        }
        #expect(text.utf8.count > 4 << 20)
        let directory = try scratch(["big.yaml": text])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fromFile = try CLI.run(["lint", "--format", "json", "big.yaml"], in: directory)
        let fromStandardInput = try CLI.run(["lint", "--format", "json", "--stdin-filename", "big.yaml", "-"], in: directory, stdin: text)
        #expect(fromFile.status == 1, "\(fromFile.stderr)")
        #expect(fromFile.stdout.contains("svc-2099"))
        #expect(fromFile.stdout == fromStandardInput.stdout)
        #expect(fromFile.status == fromStandardInput.status)
    }

    @Test("--fail-on decides the exit status", arguments: [
        ("error", Int32(1)), ("warning", 1), ("note", 1), ("never", 0),
    ])
    func failOn(_ threshold: String, _ status: Int32) throws {
        let result = try CLI.run(["lint", "--fail-on", threshold, findingsExample])
        #expect(result.status == status)
    }

    @Test func warningsAloneDoNotFailByDefault() throws {
        let directory = try scratch(["t.yaml": """
        faultline: 1
        services:
          frontend:
            calls:
              - { to: search, timeout: 1s }
          search: {}
        """])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let byDefault = try CLI.run(["lint", "t.yaml"], in: directory)
        #expect(byDefault.status == 0)
        #expect(byDefault.stdout.contains("warning: frontend calls search with no retry policy"))
        let strict = try CLI.run(["lint", "--fail-on", "warning", "t.yaml"], in: directory)
        #expect(strict.status == 1)
    }

    @Test("--timings lists every stage and every rule on stderr and leaves the report as it was")
    func timings() throws {
        let plain = try CLI.run(["lint", "--format", "json", findingsExample])
        let timed = try CLI.run(["lint", "--format", "json", "--timings", findingsExample])
        #expect(timed.status == plain.status)
        #expect(timed.stdout == plain.stdout)
        let lines = timed.stderr.split(separator: "\n").map(String.init)
        let stages = ["read", "suppressions", "parse", "load", "graph", "rules (all, in parallel)", "sort", "suppress", "report", "between the stages", "total of the stages; peak memory"]
        for stage in stages {
            #expect(lines.contains { $0.hasSuffix("  \(stage)") }, "no line for \(stage)")
        }
        for rule in RuleCatalog.all.map({ $0.description.id }) {
            #expect(lines.contains { $0.hasSuffix("    rule \(rule)") }, "no line for rule \(rule)")
        }
        // Stages in pipeline order, each line a number of milliseconds first.
        let order = stages.compactMap { stage in lines.firstIndex { $0.hasSuffix("  \(stage)") } }
        #expect(order == order.sorted())
        for line in lines.dropFirst() {
            #expect(Double(line.split(separator: " ").first ?? "") != nil, "not a timing: \(line)")
        }
    }

    @Test("usage errors exit 2", arguments: [
        ["lint"], ["lint", "--format", "xml", "examples/online-shop.yaml"], ["lint", "--fail-on", "sometimes", "examples/online-shop.yaml"],
        ["lint", "--bogus", "examples/online-shop.yaml"], ["frobnicate"], ["explain", "missing-timout"],
    ])
    func usageErrors(_ arguments: [String]) throws {
        let result = try CLI.run(arguments)
        #expect(result.status == 2)
        #expect(!result.stderr.isEmpty)
        #expect(result.stdout.isEmpty)
    }

    @Test func unreadableFilesAreErrorsWithTheirName() throws {
        let missing = try CLI.run(["lint", "no-such-file.yaml"])
        #expect(missing.status == 2)
        #expect(missing.stderr.hasPrefix("no-such-file.yaml:1:1: error: cannot read the file"))
        let directory = try CLI.run(["lint", "Sources"])
        #expect(directory.status == 2)
        #expect(directory.stderr.hasPrefix("Sources:1:1: error: this directory holds no .yaml or .yml file"))
    }

    @Test func explainUnknownRuleSuggestsTheClosest() throws {
        let result = try CLI.run(["explain", "missing-timout"])
        #expect(result.stderr.contains("did you mean 'missing-timeout'?"))
    }

    @Test func rulesListsEveryRuleAndExplainPrintsItsPage() throws {
        let list = try CLI.run(["rules"])
        #expect(list.status == 0)
        let ids = RuleCatalog.all.map { $0.description.id }
        #expect(ids.count == 21, "every rule id of both tables of the spec, and unused-suppression")
        for id in ids {
            #expect(list.stdout.contains(id))
            let page = try CLI.run(["explain", id])
            #expect(page.status == 0)
            let onDisk = try CLI.readText(CLI.packageRoot + "/rules/\(id).md")
            #expect(page.stdout == onDisk)
        }
        #expect(list.stdout.contains("max_depth: 4"))
    }

    @Test func versionAndHelp() throws {
        let version = try CLI.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
        for command in [["--help"], ["lint", "--help"], ["rules", "--help"], ["explain", "--help"]] {
            let help = try CLI.run(command)
            #expect(help.status == 0)
            #expect(help.stdout.contains("USAGE"))
        }
        let lintHelp = try CLI.run(["lint", "--help"])
        for flag in ["--format", "--fail-on", "--config", "--output"] { #expect(lintHelp.stdout.contains(flag)) }
    }

    @Test func configurationDisablesRetunesAndReseverities() throws {
        let directory = try scratch([
            "t.yaml": Self.smallTopology,
            ".faultline.yml": """
            rules:
              missing-retry-policy: off
              missing-timeout:
                severity: warning
            """,
        ])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Found in the current directory without --config.
        let result = try CLI.run(["lint", "--format", "json", "t.yaml"], in: directory)
        #expect(result.status == 0, "the only error was turned into a warning")
        #expect(result.stdout.contains("\"severity\": \"warning\""))
        #expect(!result.stdout.contains("missing-retry-policy"))
    }

    @Test func configurationThresholdsApply() throws {
        let directory = try scratch([
            "t.yaml": Self.smallTopology,
            "strict.yml": """
            fail_on: warning
            rules:
              sync-fan-out: { max_targets: 1 }
            """,
        ])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try CLI.run(["lint", "--config", "strict.yml", "t.yaml"], in: directory)
        #expect(result.stdout.contains("frontend calls 2 services synchronously (checkout, search), more than 1"))
        #expect(result.status == 1)
        let overridden = try CLI.run(["lint", "--config", "strict.yml", "--fail-on", "never", "t.yaml"], in: directory)
        #expect(overridden.status == 0, "--fail-on wins over fail_on")
    }

    @Test("an invalid configuration is invalid input", arguments: [
        ("rules:\n  missing-timout: off\n", "t.yml:2:3: error: unknown key 'missing-timout' in 'rules'; did you mean 'missing-timeout'?"),
        ("rules:\n  sync-fan-out: { max_target: 3 }\n", "t.yml:2:19: error: unknown key 'max_target' in rule 'sync-fan-out'; did you mean 'max_targets'?"),
        ("rules:\n  sync-fan-out: { max_targets: many }\n", "t.yml:2:32: error: 'max_targets' must be a whole number, not 'many'"),
        ("rules:\n  sync-fan-out: { severity: fatal }\n", "t.yml:2:29: error: 'severity' must be one of note, warning, error, not 'fatal'"),
        ("fail_on: [error]\n", "t.yml:1:10: error: 'fail_on' must be one of error, warning, note, never, not a list"),
    ])
    func invalidConfiguration(_ text: String, _ expected: String) throws {
        let directory = try scratch(["t.yaml": Self.smallTopology, "t.yml": text])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try CLI.run(["lint", "--config", "t.yml", "t.yaml"], in: directory)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix(expected), "\(result.stderr)")
        let missing = try CLI.run(["lint", "--config", "absent.yml", "t.yaml"], in: directory)
        #expect(missing.status == 2)
    }

    @Test func outputFileReplacesAtomically() throws {
        let directory = try scratch(["t.yaml": Self.smallTopology, "report.json": "old"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try CLI.run(["lint", "--format", "json", "--output", "report.json", "t.yaml"], in: directory)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        let written = try CLI.readText(directory + "/report.json")
        #expect(written.hasPrefix("{\n  \"schema\": 1,"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
    }

    @Test func severalFilesAreOneSystem() throws {
        let directory = try scratch([
            "edge.yaml": """
            faultline: 1
            system: split
            defaults: { timeout: 1s, retry: none }
            services:
              frontend:
                entrypoint: true
                calls: [{ to: orders }]
            """,
            "core.yaml": """
            faultline: 1
            services:
              orders:
                calls: [{ to: frontend, timeout: 1s, retry: none }]
            """,
            "clash.yaml": """
            faultline: 1
            services:
              orders: {}
            """,
        ])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try CLI.run(["lint", "--format", "json", "edge.yaml", "core.yaml"], in: directory)
        #expect(result.status == 1)
        #expect(result.stdout.contains("\"files\": [\n    \"edge.yaml\",\n    \"core.yaml\"\n  ]"))
        #expect(result.stdout.contains("\"rule\": \"distributed-monolith-cycle\""))
        let clash = try CLI.run(["lint", "core.yaml", "clash.yaml"], in: directory)
        #expect(clash.status == 2)
        #expect(clash.stderr.hasPrefix("clash.yaml:3:3: error: service 'orders' is declared twice: here and at core.yaml:3:3"))
    }

    @Test func colorOnlyOnATerminalAndNeverWithNoColor() throws {
        // Not a terminal here, so never colored; NO_COLOR must not change that.
        let plain = try CLI.run(["lint", findingsExample], environment: ["NO_COLOR": "1"])
        #expect(!plain.stdout.contains("\u{1B}["))
    }

    @Test func jsonReportHasTheDocumentedShape() throws {
        let result = try CLI.run(["lint", "--format", "json", findingsExample])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["schema"] as? Int == 1)
        let tool = try #require(object["tool"] as? [String: Any])
        #expect(tool["name"] as? String == "faultline")
        #expect(object["system"] as? String == "ride-hailing")
        #expect(object["files"] as? [String] == [findingsExample])
        let summary = try #require(object["summary"] as? [String: Int])
        #expect(Set(summary.keys).isSuperset(of: ["services", "calls", "channels", "error", "warning", "note"]))
        #expect(Set(summary.keys).isSubset(of: ["services", "calls", "channels", "error", "warning", "note", "suppressed", "baselined", "fixed"]))
        let findings = try #require(object["findings"] as? [[String: Any]])
        #expect(findings.count == summary["error", default: 0] + summary["warning", default: 0] + summary["note", default: 0])
        var previous: (String, Int, Int, String)?
        for finding in findings {
            for key in ["rule", "severity", "message", "file"] { #expect(finding[key] is String, "\(key)") }
            #expect(finding["line"] is Int && finding["column"] is Int)
            #expect(finding["service"] is String || finding["channel"] is String || finding["datastore"] is String)
            let key = (finding["file"] as? String ?? "", finding["line"] as? Int ?? 0, finding["column"] as? Int ?? 0, finding["rule"] as? String ?? "")
            if let previous { #expect(previous <= key, "findings are ordered by file, line, column, rule") }
            previous = key
        }
        let cycle = try #require(findings.first { $0["rule"] as? String == "distributed-monolith-cycle" })
        let path = try #require(cycle["path"] as? [String])
        #expect(path.first == path.last && path.count >= 3)
    }
}
