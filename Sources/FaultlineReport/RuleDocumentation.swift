public import FaultlineRules

/// The page `rules/<id>.md` and `faultline explain` print, generated from the
/// rule's own description so the docs cannot drift from the code.
public enum RuleDocumentation {
    public static func page(for rule: any Rule.Type) -> String {
        let description = rule.description
        var page = "# \(description.id)\n\n"
        page += "**\(description.name)** — \(description.summary)\n\n"
        page += "Default severity: **\(description.defaultSeverity.rawValue)**"
        if description.thresholds.isEmpty {
            page += ". No thresholds.\n\n"
        } else {
            page += ". Thresholds: " + description.thresholds.map { "`\($0.key)` = \($0.defaultValue)" }.joined(separator: ", ") + ".\n\n"
        }
        page += "## Why it matters\n\n\(description.rationale)\n\n"
        page += "## What triggers it\n\n\(description.triggers)\n\n"
        page += "## How to fix it\n\n\(description.fix)\n\n"
        for (index, example) in description.triggeringExamples.enumerated() {
            page += index == 0 ? "## Example that triggers it\n\n" : "Another one:\n\n"
            page += exampleBlock(example)
            page += "faultline reports:\n\n```\n"
            switch ExampleRunner.findings(of: rule, on: example) {
            case .success(let findings):
                for finding in findings {
                    page += "\(finding.location): \(finding.severity.rawValue): \(finding.message) [\(finding.rule)]\n"
                }
            case .failure(let failure):
                for diagnostic in failure.diagnostics { page += "\(diagnostic)\n" }
            }
            page += "```\n\n"
        }
        for (index, example) in description.nonTriggeringExamples.enumerated() {
            page += index == 0 ? "## Examples that do not trigger it\n\n" : ""
            page += exampleBlock(example)
        }
        page += "## Configuration\n\nIn `.faultline.yml` (the values shown are the defaults):\n\n```yaml\nrules:\n  \(description.id):\n"
        page += "    enabled: true\n    severity: \(description.defaultSeverity.rawValue)\n"
        for threshold in description.thresholds {
            page += "    \(threshold.key): \(threshold.defaultValue)   # \(threshold.summary)\n"
        }
        page += "```\n"
        return page
    }

    private static func exampleBlock(_ example: Example) -> String {
        var block = ""
        if !example.thresholds.isEmpty {
            block += "With " + example.thresholds.sorted { $0.key < $1.key }.map { "`\($0.key): \($0.value)`" }.joined(separator: ", ") + ":\n\n"
        }
        block += "```yaml\n\(example.text)\n```\n\n"
        return block
    }
}
