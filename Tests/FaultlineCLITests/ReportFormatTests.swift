import FaultlineTestSupport
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import FaultlineRules
import FaultlineReport

/// `--format sarif|github|junit|markdown`, end to end through the binary:
/// golden files for the bundled examples, the SARIF schema, GitHub's
/// escaping, well-formed JUnit XML whose counts add up, Markdown tables.
@Suite("report formats")
struct ReportFormatTests {
    static let valid = CLI.exampleFiles(in: "examples")
    static let formats = ["sarif", "github", "junit", "markdown"]
    static let suffixes = ["sarif": "sarif", "github": "github.txt", "junit": "junit.xml", "markdown": "md"]

    // MARK: golden files

    @Test("golden files, byte-stable", arguments: formats, valid)
    func golden(_ format: String, _ path: String) throws {
        let first = try CLI.run(["lint", "--format", format, path])
        let second = try CLI.run(["lint", "--format", format, path])
        #expect(first.stderr.isEmpty)
        #expect(!first.stdout.isEmpty)
        #expect(first.stdout == second.stdout, "the same input prints the same bytes")
        let text = try CLI.run(["lint", path])
        #expect(first.status == text.status, "the format does not change the exit status")
        let name = ExampleGoldenTests.expectedName(path)
        try CLI.expectGolden(first.stdout, "examples/expected/\(name).\(try #require(Self.suffixes[format]))")
    }

    @Test func everyFormatIsListedInTheHelp() throws {
        let help = try CLI.run(["lint", "--help"])
        for format in OutputFormat.allCases { #expect(help.stdout.contains(format.rawValue)) }
        #expect(Set(OutputFormat.allCases.map(\.rawValue)) == Set(["text", "json"] + Self.formats))
    }

    // MARK: SARIF

    @Test("SARIF of each example validates against the 2.1.0 schema", arguments: valid)
    func sarifValidates(_ path: String) throws {
        let result = try CLI.run(["lint", "--format", "sarif", path])
        try SARIFSchema.validate(result.stdout)
        let findings = try Self.jsonFindings(["lint", "--format", "json", path])
        try Self.checkSARIFStructure(result.stdout, findings: findings)
    }

    @Test("the repository's SARIF schema is the contract's, where the contract is checked out beside it")
    func schemaCopyMatchesTheContract() throws {
        let copy = try readFileBytes(SARIFSchema.schemaPath)
        #expect(copy.count > 100_000)
        guard FileManager.default.fileExists(atPath: SARIFSchema.contractCopy) else { return }
        #expect(try readFileBytes(SARIFSchema.contractCopy) == copy)
    }

    @Test func sarifWithSuppressionsAndABaselineValidates() throws {
        let gate = try GateScenario()
        defer { gate.remove() }
        let result = try CLI.run(["lint", "--format", "sarif", "--baseline", "baseline.json", GateScenario.topologyName], in: gate.directory)
        #expect(result.status == 1, "the new missing-timeout error fails the run")
        #expect(result.stderr.isEmpty)
        try SARIFSchema.validate(result.stdout)
        let findings = try Self.jsonFindings(["lint", "--format", "json", "--baseline", "baseline.json", GateScenario.topologyName], in: gate.directory)
        try Self.checkSARIFStructure(result.stdout, findings: findings)

        let run = try Self.sarifRun(result.stdout)
        let results = try #require(run["results"] as? [[String: Any]])
        let kinds = results.compactMap { ($0["suppressions"] as? [[String: Any]])?.first?["kind"] as? String }
        #expect(kinds.contains("inSource"), "the inline comment")
        #expect(kinds.contains("external"), "the configuration's ignore entry")
        let inline = try #require(results.first { ($0["suppressions"] as? [[String: Any]])?.first?["kind"] as? String == "inSource" })
        let suppression = try #require((inline["suppressions"] as? [[String: Any]])?.first)
        #expect(suppression["justification"] as? String == GateScenario.inlineReason)
        #expect(inline["ruleId"] as? String == "missing-timeout")
        let external = results.filter { ($0["suppressions"] as? [[String: Any]])?.first?["kind"] as? String == "external" }
        #expect(!external.isEmpty && external.allSatisfy { $0["ruleId"] as? String == "missing-tracing" })
        #expect(external.allSatisfy { ($0["suppressions"] as? [[String: Any]])?.first?["justification"] as? String == GateScenario.configurationReason })

        let states = results.compactMap { $0["baselineState"] as? String }
        #expect(states.contains("new") && states.contains("unchanged"))
        #expect(Set(states).isSubset(of: ["new", "unchanged"]))
        for result in results where result["suppressions"] == nil {
            #expect(result["baselineState"] != nil, "with a baseline every compared result says new or unchanged")
        }
        let new = results.filter { $0["baselineState"] as? String == "new" }.compactMap { $0["ruleId"] as? String }
        #expect(new.contains("missing-timeout"))

        // The file name has a space: percent-encoded in the URI.
        let uris = Self.artifactURIs(in: run)
        #expect(uris.contains("shop%20topology.yaml"))
        #expect(!uris.contains { $0.contains(" ") })

        // Without a baseline, no result carries a baselineState.
        let plain = try CLI.run(["lint", "--format", "sarif", GateScenario.topologyName], in: gate.directory)
        #expect(!plain.stdout.contains("\"baselineState\""))
    }

    @Test func sarifDescribesEveryRuleThatRan() throws {
        let result = try CLI.run(["lint", "--format", "sarif", "examples/online-shop.yaml"])
        let run = try Self.sarifRun(result.stdout)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "faultline")
        #expect(driver["version"] as? String == Tool.version)
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.compactMap { $0["id"] as? String } == RuleCatalog.all.map { $0.description.id })
        for (rule, description) in zip(rules, RuleCatalog.all.map { $0.description }) {
            #expect(rule["name"] as? String == description.name)
            #expect(rule["helpUri"] as? String == Tool.rulesURL + description.id + ".md")
            #expect((rule["shortDescription"] as? [String: Any])?["text"] as? String != nil)
            let full = (rule["fullDescription"] as? [String: Any])?["text"] as? String ?? ""
            #expect(!full.isEmpty && !full.contains("`"), "plain text")
            #expect((rule["defaultConfiguration"] as? [String: Any])?["level"] as? String == description.defaultSeverity.rawValue)
            let thresholds = (rule["properties"] as? [String: Any])?["thresholds"] as? [String: Int]
            if description.thresholds.isEmpty {
                #expect(thresholds == nil)
            } else {
                #expect(thresholds == Dictionary(uniqueKeysWithValues: description.thresholds.map { ($0.key, $0.defaultValue) }))
            }
        }
        // A disabled rule did not run, so it is not described.
        let gate = try GateScenario()
        defer { gate.remove() }
        try Data("rules:\n  hub-service: off\n".utf8).write(to: URL(fileURLWithPath: gate.directory + "/off.yml"))
        let off = try CLI.run(["lint", "--format", "sarif", "--config", "off.yml", GateScenario.topologyName], in: gate.directory)
        let offRules = try #require(((try Self.sarifRun(off.stdout)["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
        #expect(!offRules.contains { $0["id"] as? String == "hub-service" })
        #expect(offRules.count == RuleCatalog.all.count - 1)
    }

    @Test func sarifURIsArePercentEncoded() {
        #expect(SARIFReporter.uri("topology/shop.yaml") == "topology/shop.yaml")
        #expect(SARIFReporter.uri("my topology.yaml") == "my%20topology.yaml")
        #expect(SARIFReporter.uri("100%.yaml") == "100%25.yaml")
        #expect(SARIFReporter.uri("c:x#y?.yaml") == "c%3Ax%23y%3F.yaml")
        #expect(SARIFReporter.uri("<stdin>") == "%3Cstdin%3E")
        #expect(SARIFReporter.uri("café.yaml") == "caf%C3%A9.yaml")
    }

    // MARK: GitHub workflow commands

    @Test func gitHubEscaping() {
        #expect(GitHubReporter.escapeData("100% sure\r\nnext: a, b") == "100%25 sure%0D%0Anext: a, b")
        #expect(GitHubReporter.escapeProperty("dir/a,b:c%.yaml") == "dir/a%2Cb%3Ac%25.yaml")
        #expect(GitHubReporter.escapeProperty("%3A") == "%253A", "an escape sequence in the input is not left to be decoded")
        #expect(GitHubReporter.escapeProperty("a\nb") == "a%0Ab")
    }

    @Test func gitHubCommandsEscapeTheFileAndKeepTheMessage() throws {
        let name = "odd,name: 100%.yaml"
        let directory = try Self.scratch([name: CommandLineTests.smallTopology])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try CLI.run(["lint", "--format", "github", name], in: directory)
        #expect(result.status == 1)
        let findings = try Self.jsonFindings(["lint", "--format", "json", name], in: directory)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.last == "", "ends with a newline")
        let commands = lines.filter { $0.hasPrefix("::") }
        #expect(commands.count == findings.filter(Self.isActive).count)
        #expect(commands.count == lines.count - 2, "one command per finding, then the summary")
        let text = try CLI.run(["lint", name], in: directory)
        let summary = text.stdout.split(separator: "\n").last.map(String.init)
        #expect(lines[lines.count - 2] == summary, "the last line is the text summary")
        for (command, finding) in zip(commands, findings.filter(Self.isActive)) {
            let severity = finding["severity"] as? String ?? ""
            let word = severity == "note" ? "notice" : severity
            let expected = "::\(word) file=odd%2Cname%3A 100%25.yaml,line=\(finding["line"] as? Int ?? 0),col=\(finding["column"] as? Int ?? 0),title=\(finding["rule"] as? String ?? "")::"
            #expect(command.hasPrefix(expected), "\(command)")
            let message = String(command.dropFirst(expected.count))
            #expect(message == GitHubReporter.escapeData(finding["message"] as? String ?? ""))
            #expect(message.contains(":") || message.contains(","), "':' and ',' stay as they are in the message")
        }
        #expect(commands.contains { $0.hasPrefix("::notice ") }, "notes are notices")
    }

    @Test func gitHubPrintsOnlyActiveFindings() throws {
        let gate = try GateScenario()
        defer { gate.remove() }
        let result = try CLI.run(["lint", "--format", "github", "--baseline", "baseline.json", GateScenario.topologyName], in: gate.directory)
        let findings = try Self.jsonFindings(["lint", "--format", "json", "--baseline", "baseline.json", GateScenario.topologyName], in: gate.directory)
        let commands = result.stdout.split(separator: "\n").filter { $0.hasPrefix("::") }
        let active = findings.filter(Self.isActive)
        #expect(commands.count == active.count)
        #expect(active.count < findings.count, "the scenario has suppressed and baselined findings")
        #expect(!result.stdout.contains(GateScenario.inlineReason))
    }

    // MARK: JUnit

    @Test("JUnit XML is well formed and its failures are the findings at or above --fail-on", arguments: [
        "examples/ride-hailing.yaml", "examples/payments-platform.yaml", "examples/online-shop.yaml",
    ], ["error", "warning", "note", "never"])
    func junitCounts(_ path: String, _ failOn: String) throws {
        let result = try CLI.run(["lint", "--format", "junit", "--fail-on", failOn, path])
        let findings = try Self.jsonFindings(["lint", "--format", "json", path])
        let junit = try JUnitDocument(result.stdout)
        let threshold = try #require(FailThreshold(rawValue: failOn))
        let failing = findings.filter { Self.isActive($0) && threshold.fails(Severity(rawValue: $0["severity"] as? String ?? "") ?? .note) }
        #expect(junit.failureElements == failing.count)
        #expect(result.status == (failing.isEmpty ? 0 : 1))
        #expect(junit.suites.map(\.name) == [path])
        #expect(junit.testcaseElements == RuleCatalog.all.count, "one test case per rule that ran and file")
        try junit.expectConsistentCounts()
    }

    @Test func junitKeepsSuppressedBaselinedAndOtherFilesFindings() throws {
        let gate = try GateScenario()
        defer { gate.remove() }
        let arguments = ["--baseline", "baseline.json", "--fail-on", "note", GateScenario.topologyName]
        let result = try CLI.run(["lint", "--format", "junit"] + arguments, in: gate.directory)
        let findings = try Self.jsonFindings(["lint", "--format", "json"] + arguments, in: gate.directory)
        let junit = try JUnitDocument(result.stdout)
        try junit.expectConsistentCounts()
        #expect(junit.failureElements == findings.filter(Self.isActive).count)
        // The unused ignore entry sits in the configuration file, which is no input: a suite of its own.
        #expect(junit.suites.map(\.name) == [GateScenario.topologyName, ".faultline.yml"])
        #expect(junit.suites.last?.testcases == ["unused-suppression"])
        #expect(junit.suites.last?.failures == 1)
        // Suppressed and baselined findings stay visible in system-out.
        #expect(junit.systemOut.contains("suppressed inline at \(GateScenario.topologyName):"))
        #expect(junit.systemOut.contains(GateScenario.inlineReason))
        #expect(junit.systemOut.contains("suppressed by the configuration at .faultline.yml:"))
        #expect(junit.systemOut.contains("baselined"))
        let quiet = findings.filter { !Self.isActive($0) }.count
        #expect(junit.systemOutLines == quiet)
    }

    @Test func junitEscapesWhatXMLDoesNotAllow() throws {
        let name = "we<i>rd & \"odd\" 'name'\u{7}.yaml"
        let directory = try Self.scratch([name: CommandLineTests.smallTopology])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try CLI.run(["lint", "--format", "junit", "--fail-on", "note", name], in: directory)
        #expect(result.stderr.isEmpty)
        let junit = try JUnitDocument(result.stdout)
        try junit.expectConsistentCounts()
        #expect(junit.suites.map(\.name) == ["we<i>rd & \"odd\" 'name'\u{FFFD}.yaml"], "the control character is replaced")
        #expect(!result.stdout.unicodeScalars.contains("\u{7}"))
        // The same file name percent-encoded in SARIF, and valid.
        let sarif = try CLI.run(["lint", "--format", "sarif", name], in: directory)
        try SARIFSchema.validate(sarif.stdout)
        let uris = Self.artifactURIs(in: try Self.sarifRun(sarif.stdout))
        #expect(uris.contains { $0.removingPercentEncoding == name })
    }

    // MARK: Markdown

    @Test("Markdown has a table row per active finding", arguments: valid)
    func markdownRows(_ path: String) throws {
        let result = try CLI.run(["lint", "--format", "markdown", path])
        let findings = try Self.jsonFindings(["lint", "--format", "json", path])
        let active = findings.filter(Self.isActive)
        let (rows, hasTable) = Self.markdownFindingRows(result.stdout)
        #expect(rows.count == active.count)
        #expect(result.stdout.hasPrefix("### faultline — "))
        if active.isEmpty {
            #expect(!hasTable)
            #expect(result.stdout.contains("\nNo findings.\n"))
        }
        for (row, finding) in zip(rows, active) {
            let rule = finding["rule"] as? String ?? ""
            #expect(row.hasPrefix("| \(finding["severity"] as? String ?? "") | [`\(rule)`](\(Tool.rulesURL)\(rule).md) | `\(path):\(finding["line"] as? Int ?? 0):\(finding["column"] as? Int ?? 0)` | "))
            let escapedPipes = row.components(separatedBy: "\\|").count - 1
            #expect(row.filter { $0 == "|" }.count - escapedPipes == 5, "four cells")
        }
    }

    @Test func markdownFoldsAwaySuppressedBaselinedAndFixed() throws {
        let gate = try GateScenario()
        defer { gate.remove() }
        let arguments = ["--baseline", "baseline.json", GateScenario.topologyName]
        let result = try CLI.run(["lint", "--format", "markdown"] + arguments, in: gate.directory)
        let findings = try Self.jsonFindings(["lint", "--format", "json"] + arguments, in: gate.directory)
        let (rows, _) = Self.markdownFindingRows(result.stdout)
        #expect(rows.count == findings.filter(Self.isActive).count)
        let details = try #require(result.stdout.range(of: "<details>")).upperBound
        let folded = String(result.stdout[details...])
        let suppressed = findings.filter { $0["suppressed"] != nil }.count
        #expect(folded.contains("<summary>\(suppressed) suppressed, 1 baselined, 1 fixed since the baseline</summary>"))
        #expect(folded.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| Severity") }.count == suppressed)
        #expect(folded.contains(GateScenario.inlineReason))
        #expect(folded.contains(GateScenario.configurationReason))
        #expect(folded.contains("#### Fixed since the baseline\n\n- frontend calls legacy"))
        #expect(result.stdout.hasSuffix("</details>\n"))
    }

    @Test func markdownEscapesTableCells() throws {
        let directory = try Self.scratch(["a|b.yaml": CommandLineTests.smallTopology])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try CLI.run(["lint", "--format", "markdown", "a|b.yaml"], in: directory)
        let (rows, _) = Self.markdownFindingRows(result.stdout)
        #expect(!rows.isEmpty)
        #expect(rows.allSatisfy { $0.contains("`a\\|b.yaml:") })
    }

    // MARK: helpers

    static func isActive(_ finding: [String: Any]) -> Bool {
        finding["suppressed"] == nil && finding["baseline"] as? String != "unchanged"
    }

    static func jsonFindings(_ arguments: [String], in directory: String = CLI.packageRoot) throws -> [[String: Any]] {
        let result = try CLI.run(arguments, in: directory)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr)")
        return try #require(object["findings"] as? [[String: Any]])
    }

    static func sarifRun(_ text: String) throws -> [String: Any] {
        let log = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let runs = try #require(log["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        return try #require(runs.first)
    }

    /// Every `artifactLocation.uri` anywhere in the run.
    static func artifactURIs(in value: Any) -> [String] {
        var found: [String] = []
        if let object = value as? [String: Any] {
            if let location = object["artifactLocation"] as? [String: Any], let uri = location["uri"] as? String { found.append(uri) }
            if let location = object["location"] as? [String: Any], let uri = location["uri"] as? String { found.append(uri) }
            for child in object.values { found += artifactURIs(in: child) }
        } else if let array = value as? [Any] {
            for child in array { found += artifactURIs(in: child) }
        }
        return found
    }

    /// Results match the JSON report's findings one to one, in order.
    static func checkSARIFStructure(_ text: String, findings: [[String: Any]]) throws {
        let log = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(log["$schema"] as? String == "https://json.schemastore.org/sarif-2.1.0.json")
        #expect(log["version"] as? String == "2.1.0")
        let run = try sarifRun(text)
        let rules = try #require(((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == findings.count, "every finding is a result, suppressed ones included")
        for (result, finding) in zip(results, findings) {
            let rule = finding["rule"] as? String
            #expect(result["ruleId"] as? String == rule)
            let index = try #require(result["ruleIndex"] as? Int)
            #expect(rules.indices.contains(index) && rules[index]["id"] as? String == rule)
            #expect(result["level"] as? String == finding["severity"] as? String)
            #expect((result["message"] as? [String: Any])?["text"] as? String == finding["message"] as? String)
            let physical = try #require(((result["locations"] as? [[String: Any]])?.first)?["physicalLocation"] as? [String: Any])
            let uri = try #require((physical["artifactLocation"] as? [String: Any])?["uri"] as? String)
            #expect(uri.removingPercentEncoding == finding["file"] as? String)
            let region = try #require(physical["region"] as? [String: Any])
            #expect(region["startLine"] as? Int == finding["line"] as? Int)
            #expect(region["startColumn"] as? Int == finding["column"] as? Int)
            let fingerprint = (result["partialFingerprints"] as? [String: String])?["faultline/v1"]
            #expect(fingerprint?.hasPrefix("\(rule ?? "") ") == true)
            #expect((result["suppressions"] != nil) == (finding["suppressed"] != nil))
            #expect(result["baselineState"] as? String == finding["baseline"] as? String)
        }
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/!$&'()*+,;=@%")
        for uri in artifactURIs(in: run) {
            #expect(uri.unicodeScalars.allSatisfy(allowed.contains), "a URI reference: \(uri)")
            #expect(uri.removingPercentEncoding != nil, "well-formed percent escapes: \(uri)")
        }
    }

    /// The rows of the findings table: from its header to the first line that is no row.
    static func markdownFindingRows(_ text: String) -> (rows: [String], hasTable: Bool) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let header = lines.firstIndex(of: "| Severity | Rule | Location | Finding |") else { return ([], false) }
        var rows: [String] = []
        for line in lines[(header + 2)...] {
            guard line.hasPrefix("| ") else { break }
            rows.append(line)
        }
        return (rows, true)
    }

    static func scratch(_ files: [String: String]) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-format-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: directory.appendingPathComponent(name)) }
        return directory.path
    }
}

/// A run with everything the gate knows: an inline suppression, a
/// configuration `ignore:` entry, an unused one, and a baseline written by
/// `--write-baseline` from an earlier version of the topology (one finding
/// fixed since, one unchanged, one new).
struct GateScenario {
    static let topologyName = "shop topology.yaml"
    static let inlineReason = "a streaming call, it waits by design"
    static let configurationReason = "tracing rolls out next quarter"

    static let earlier = """
    faultline: 1
    system: shop
    services:
      frontend:
        entrypoint: true
        calls:
          - to: checkout   # faultline:ignore missing-timeout -- \(inlineReason)
            retry: none
          - to: search
            timeout: 1s
          - to: legacy
            timeout: 1s
      checkout: {}
      search: {}
      legacy: {}
    """

    static let current = """
    faultline: 1
    system: shop
    services:
      frontend:
        entrypoint: true
        calls:
          - to: checkout   # faultline:ignore missing-timeout -- \(inlineReason)
            retry: none
          - to: search
            timeout: 1s
          - to: payments
            retry: none
      checkout: {}
      search: {}
      payments: {}
    """

    static let configuration = """
    ignore:
      - { rule: missing-tracing, service: "*", reason: "\(configurationReason)" }
    """

    let directory: String

    init() throws {
        directory = try ReportFormatTests.scratch([Self.topologyName: Self.earlier, ".faultline.yml": Self.configuration])
        let recorded = try CLI.run(["lint", "--write-baseline", "baseline.json", Self.topologyName], in: directory)
        try #require(recorded.status == 0, "\(recorded.stderr)")
        try Data(Self.current.utf8).write(to: URL(fileURLWithPath: directory + "/" + Self.topologyName))
        // An entry that matches nothing: an unused-suppression note in the configuration file.
        let withUnused = Self.configuration + "\n  - { rule: hub-service, service: legacy, reason: \"legacy is going away\" }\n"
        try Data(withUnused.utf8).write(to: URL(fileURLWithPath: directory + "/.faultline.yml"))
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

/// Validates SARIF with Python's jsonschema against the official schema. A
/// copy lives in the repository (`Tests/FaultlineCLITests/Schemas/`), so the
/// check runs from any checkout; the contract's own copy in
/// `../shared/schemas/`, where there is one, must be the same bytes. A missing
/// tool is a recorded issue, never a silent pass.
enum SARIFSchema {
    static let schemaPath = URL(fileURLWithPath: CLI.packageRoot)
        .appendingPathComponent("Tests/FaultlineCLITests/Schemas/sarif-schema-2.1.0.json").path
    static let contractCopy = URL(fileURLWithPath: CLI.packageRoot)
        .appendingPathComponent("../shared/schemas/sarif-schema-2.1.0.json").standardized.path

    static let validator = "import jsonschema,json,sys; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))"

    static func validate(_ sarif: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        guard FileManager.default.fileExists(atPath: schemaPath) else {
            Issue.record("the SARIF schema is missing at \(schemaPath)", sourceLocation: sourceLocation)
            return
        }
        let check = try python(["-c", "import jsonschema"])
        guard check.status == 0 else {
            Issue.record("python3 with the jsonschema module is needed to validate SARIF (exit \(check.status)): \(check.stderr)", sourceLocation: sourceLocation)
            return
        }
        let instance = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-\(UUID().uuidString).sarif")
        try Data(sarif.utf8).write(to: instance)
        defer { try? FileManager.default.removeItem(at: instance) }
        let result = try python(["-c", validator, instance.path, schemaPath])
        #expect(result.status == 0, "SARIF does not validate against \(schemaPath):\n\(result.stderr.suffix(3000))", sourceLocation: sourceLocation)
    }

    /// `python3 ARGUMENTS` through `/usr/bin/env`; 127 when there is no python3.
    static func python(_ arguments: [String]) throws -> CLIResult {
        do {
            return try CLI.execute("/usr/bin/env", ["python3"] + arguments)
        } catch {
            return CLIResult(status: 127, stdout: "", stderr: "cannot start /usr/bin/env python3: \(error)")
        }
    }
}

/// A JUnit report parsed with Foundation's XMLParser: a parse error fails the test.
final class JUnitDocument: NSObject, XMLParserDelegate {
    struct Suite {
        var name: String
        var tests: Int
        var failures: Int
        var testcases: [String] = []
        var failureElements = 0
    }

    private(set) var rootTests = -1
    private(set) var rootFailures = -1
    private(set) var suites: [Suite] = []
    private(set) var systemOut = ""
    private var inSystemOut = false

    var failureElements: Int { suites.reduce(0) { $0 + $1.failureElements } }
    var testcaseElements: Int { suites.reduce(0) { $0 + $1.testcases.count } }
    var systemOutLines: Int { systemOut.split(separator: "\n").count }

    init(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        super.init()
        #expect(text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"), sourceLocation: sourceLocation)
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = self
        let parsed = parser.parse()
        try #require(parsed, "not well-formed XML: \(String(describing: parser.parserError))", sourceLocation: sourceLocation)
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        switch elementName {
        case "testsuites":
            rootTests = Int(attributes["tests"] ?? "") ?? -1
            rootFailures = Int(attributes["failures"] ?? "") ?? -1
        case "testsuite":
            suites.append(Suite(name: attributes["name"] ?? "", tests: Int(attributes["tests"] ?? "") ?? -1,
                                failures: Int(attributes["failures"] ?? "") ?? -1))
        case "testcase":
            suites[suites.count - 1].testcases.append(attributes["name"] ?? "")
            #expect(attributes["classname"] == suites.last?.name, "classname is the file")
        case "failure":
            suites[suites.count - 1].failureElements += 1
            #expect(["error", "warning", "note"].contains(attributes["type"] ?? ""))
            #expect(!(attributes["message"] ?? "").isEmpty)
        case "system-out":
            inSystemOut = true
            if !systemOut.isEmpty { systemOut += "\n" }
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        if elementName == "system-out" { inSystemOut = false }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inSystemOut { systemOut += string }
    }

    /// The attributes count what the elements hold.
    func expectConsistentCounts(sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        #expect(rootTests == testcaseElements, "testsuites tests", sourceLocation: sourceLocation)
        #expect(rootFailures == failureElements, "testsuites failures", sourceLocation: sourceLocation)
        for suite in suites {
            #expect(suite.tests == suite.testcases.count, "tests of \(suite.name)", sourceLocation: sourceLocation)
            #expect(suite.failures == suite.failureElements, "failures of \(suite.name)", sourceLocation: sourceLocation)
        }
    }
}
