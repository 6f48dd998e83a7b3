import Testing
import FaultlineYAML
import FaultlineModel
import FaultlineRules

/// One example of one rule, named so a failure says which.
struct RuleExampleCase: Sendable, CustomTestStringConvertible {
    let rule: any Rule.Type
    let example: Example
    let triggering: Bool
    let index: Int

    var testDescription: String {
        "\(rule.description.id) \(triggering ? "triggering" : "non-triggering") #\(index + 1)"
    }

    static var all: [RuleExampleCase] {
        RuleCatalog.all.flatMap { rule in
            rule.description.triggeringExamples.enumerated().map { RuleExampleCase(rule: rule, example: $1, triggering: true, index: $0) }
            + rule.description.nonTriggeringExamples.enumerated().map { RuleExampleCase(rule: rule, example: $1, triggering: false, index: $0) }
        }
    }
}

/// Every rule's examples, run through the whole pipeline: a rule cannot ship
/// without examples, and the examples pin where each finding sits.
@Test("rule example", arguments: RuleExampleCase.all)
func ruleExample(_ testCase: RuleExampleCase) throws {
    let example = testCase.example
    let source = SourceLocation(file: example.file, line: example.line, column: 1)
    let sourceLocation = Testing.SourceLocation(fileID: "FaultlineRules/\(example.file)", filePath: example.file, line: example.line, column: 1)
    let result = ExampleRunner.findings(of: testCase.rule, on: example)
    guard case .success(let findings) = result else {
        if case .failure(let failure) = result {
            Issue.record("example at \(source) does not load: \(failure.diagnostics.map(\.description))", sourceLocation: sourceLocation)
        }
        return
    }
    let id = testCase.rule.description.id
    #expect(findings.allSatisfy { $0.rule == id }, sourceLocation: sourceLocation)
    let found = findings.map { "\($0.location.line):\($0.location.column)" }.sorted()
    let marked = example.markedPositions.map { "\($0.line):\($0.column)" }.sorted()
    if testCase.triggering {
        #expect(!marked.isEmpty, "a triggering example must mark where its findings sit with ↓", sourceLocation: sourceLocation)
        #expect(found == marked, "findings: \(findings.map(\.message))", sourceLocation: sourceLocation)
    } else {
        #expect(marked.isEmpty, "a non-triggering example has no markers", sourceLocation: sourceLocation)
        #expect(findings.isEmpty, "unexpected: \(findings.map { "\($0.location): \($0.message)" })", sourceLocation: sourceLocation)
    }
}

@Suite("rule catalog")
struct RuleCatalogTests {
    @Test func idsAreUniqueAndKebabCase() {
        let ids = RuleCatalog.all.map { $0.description.id }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            #expect(id.allSatisfy { $0.isLowercase || $0 == "-" }, "\(id) is not kebab-case")
        }
    }

    @Test("every rule has examples both ways, text and thresholds", arguments: RuleCatalog.all.map { $0.description.id })
    func describesItself(_ id: String) throws {
        let description = try #require(RuleCatalog.rule(id: id)).description
        #expect(!description.triggeringExamples.isEmpty)
        #expect(!description.nonTriggeringExamples.isEmpty)
        #expect(!description.summary.isEmpty && !description.rationale.isEmpty && !description.triggers.isEmpty && !description.fix.isEmpty)
        for example in description.triggeringExamples + description.nonTriggeringExamples {
            for key in example.thresholds.keys {
                #expect(description.thresholds.contains { $0.key == key }, "example sets unknown threshold \(key)")
            }
        }
    }

    @Test func firstTableOfTheSpecIsImplementedWithItsDefaults() throws {
        let expected: [(String, Severity, [String: Int])] = [
            ("missing-timeout", .error, [:]),
            ("missing-retry-policy", .warning, [:]),
            ("missing-dlq", .error, [:]),
            ("sync-fan-out", .warning, ["max_targets": 4]),
            ("chatty-call-chain", .warning, ["max_depth": 4]),
            ("chatty-calls", .warning, ["max_per_request": 5, "max_calls_per_request": 30]),
            ("distributed-monolith-cycle", .error, [:]),
        ]
        try expectCatalog(expected)
    }

    @Test func secondTableOfTheSpecIsImplementedWithItsDefaults() throws {
        try expectCatalog([
            ("retry-amplification", .warning, ["max_amplification": 10]),
            ("retry-without-backoff", .warning, [:]),
            ("non-idempotent-retry", .warning, [:]),
            ("timeout-inversion", .warning, [:]),
            ("timeout-budget", .warning, [:]),
            ("missing-circuit-breaker", .warning, [:]),
            ("external-call-in-request-path", .note, [:]),
            ("non-idempotent-consumer", .warning, [:]),
            ("unbounded-consumer", .warning, [:]),
            ("shared-datastore", .warning, [:]),
            ("unconsumed-dlq", .note, [:]),
            ("hub-service", .note, ["max_callers": 6]),
            ("missing-tracing", .note, [:]),
        ])
        #expect(RuleCatalog.all.count == 21, "the twenty of the spec, and unused-suppression")
    }

    private func expectCatalog(_ expected: [(String, Severity, [String: Int])]) throws {
        for (id, severity, thresholds) in expected {
            let description = try #require(RuleCatalog.rule(id: id)?.description, "\(id) missing")
            #expect(description.defaultSeverity == severity, "\(id)")
            #expect(Dictionary(uniqueKeysWithValues: description.thresholds.map { ($0.key, $0.defaultValue) }) == thresholds, "\(id)")
        }
    }
}
