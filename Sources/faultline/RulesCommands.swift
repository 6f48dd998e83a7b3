import ArgumentParser
import FaultlineModel
import FaultlineRules
import FaultlineReport

struct ListRules: RunnableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "List every rule with its id, default severity, thresholds and summary."
    )

    func execute() -> Int32 {
        let descriptions = RuleCatalog.all.map { $0.description }
        let idWidth = descriptions.map(\.id.count).max() ?? 0
        var out = ""
        for description in descriptions {
            let id = padded(description.id, to: idWidth)
            let severity = padded(description.defaultSeverity.rawValue, to: 7)
            out += "\(id)  \(severity)  \(description.summary)\n"
            for threshold in description.thresholds {
                out += String(repeating: " ", count: idWidth + 12) + "\(threshold.key): \(threshold.defaultValue) — \(threshold.summary)\n"
            }
        }
        out += "\n\(descriptions.count) rules. 'faultline explain RULE' shows a rule's page.\n"
        FileInput.writeStandardOutput(out)
        return ExitStatus.clean
    }
}

private func padded(_ text: String, to width: Int) -> String {
    text + String(repeating: " ", count: max(0, width - text.count))
}

struct Explain: RunnableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a rule's page: why it matters, what triggers it, how to fix it, examples and options."
    )

    @Argument(help: "A rule id, as listed by 'faultline rules'.")
    var rule: String

    func execute() -> Int32 {
        guard let found = RuleCatalog.rule(id: rule) else {
            let ids = RuleCatalog.all.map { $0.description.id }
            let hint = Suggestions.closest(to: rule, in: ids).map { "; did you mean '\($0)'?" } ?? "; 'faultline rules' lists them"
            printError("faultline: error: no rule '\(rule)'\(hint)")
            return ExitStatus.invalidInput
        }
        FileInput.writeStandardOutput(RuleDocumentation.page(for: found))
        return ExitStatus.clean
    }
}
