import FaultlineYAML

/// Marks the findings that inline comments and configuration entries suppress,
/// and reports the suppressions that suppress nothing, so stale ones get cleaned up.
public struct SuppressionEngine: Sendable {
    public let inline: [InlineSuppression]
    public let configuration: Configuration
    /// Rules that ran: a suppression of a rule that did not run is not "unused".
    public let ranRules: Set<String>

    public init(inline: [InlineSuppression], configuration: Configuration, ranRules: Set<String>) {
        self.inline = inline
        self.configuration = configuration
        self.ranRules = ranRules
    }

    /// No inline suppression and no ignore entry: `apply` returns the findings as they are.
    public var changesNothing: Bool { inline.isEmpty && configuration.ignores.isEmpty }

    private struct LineKey: Hashable {
        let file: String
        let line: Int
    }

    /// The findings with suppressions applied, plus `unused-suppression`
    /// findings, in report order.
    public func apply(to findings: [Finding]) -> [Finding] {
        var byLine: [LineKey: [Int]] = [:]
        for (index, suppression) in inline.enumerated() {
            byLine[LineKey(file: suppression.location.file, line: suppression.coveredLine), default: []].append(index)
        }
        var usedInline = Set<[Int]>()   // [suppression index, rule index]
        var usedIgnores = Set<Int>()
        var result = findings
        // Most runs have no suppression at all: then there is nothing to look up per finding.
        let hasSuppressions = !byLine.isEmpty || !configuration.ignores.isEmpty
        for index in result.indices where hasSuppressions {
            let finding = result[index]
            let key = LineKey(file: finding.location.file, line: finding.location.line)
            for candidate in byLine[key] ?? [] {
                let suppression = inline[candidate]
                guard let ruleIndex = suppression.ruleIDs.firstIndex(of: finding.rule) else { continue }
                usedInline.insert([candidate, ruleIndex])
                if result[index].suppression == nil {
                    result[index].suppression = Suppression(kind: .inline, reason: suppression.reason, location: suppression.location)
                }
            }
            guard result[index].suppression == nil else { continue }
            let subject = finding.service ?? finding.channel ?? finding.datastore ?? ""
            if let entry = configuration.ignores.firstIndex(where: { Glob.matches($0.rule, finding.rule) && Glob.matches($0.service, subject) }) {
                usedIgnores.insert(entry)
                let ignore = configuration.ignores[entry]
                result[index].suppression = Suppression(kind: .configuration, reason: ignore.reason, location: ignore.location)
            }
        }

        let unusedID = UnusedSuppressionRule.description.id
        guard configuration.isEnabled(unusedID) else { return result }
        let severity = configuration.severity(for: UnusedSuppressionRule.description)
        for (index, suppression) in inline.enumerated() {
            for (ruleIndex, rule) in suppression.ruleIDs.enumerated() where ranRules.contains(rule) && !usedInline.contains([index, ruleIndex]) {
                result.append(Finding(rule: unusedID, severity: severity,
                                      message: "this suppression of \(rule) matches no finding on line \(suppression.coveredLine); the problem it excused is gone or has moved — remove it, or move it to the line the finding is on",
                                      location: suppression.location))
            }
        }
        for (index, ignore) in configuration.ignores.enumerated() where !usedIgnores.contains(index) {
            guard ranRules.contains(where: { Glob.matches(ignore.rule, $0) }) else { continue }
            let scope = ignore.service == "*" ? "" : " on \(ignore.service)"
            result.append(Finding(rule: unusedID, severity: severity,
                                  message: "this ignore entry (\(ignore.rule)\(scope)) matches no finding; remove it so it cannot hide a new problem later",
                                  location: ignore.location))
        }
        // Findings came in report order; only the unused-suppression ones need placing.
        return result.count == findings.count ? result : Finding.sortedInReportOrder(result)
    }
}
