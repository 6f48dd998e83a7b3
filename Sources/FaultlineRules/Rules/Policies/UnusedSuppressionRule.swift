/// Findings of this rule come from the `SuppressionEngine`, which sees every
/// other rule's findings; the rule itself has nothing to check in the graph.
public struct UnusedSuppressionRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "unused-suppression",
        name: "Unused suppression",
        summary: "A `# faultline:ignore` comment or an `ignore:` entry of the configuration suppresses nothing.",
        severity: .note,
        rationale: """
        A suppression is a promise that a known problem is accepted, with a reason. When the problem is fixed, \
        or the call it sat on moves to another line, the suppression stays behind: it documents an exception \
        that no longer exists, and, worse, it silently excuses the next finding that lands on its line. Reporting \
        unused suppressions keeps the list of exceptions equal to the list of problems.
        """,
        triggers: """
        An inline suppression (`# faultline:ignore RULE -- reason`, on the line of the finding or on the line \
        before it) naming a rule that ran but reported nothing on that line; or an `ignore:` entry of \
        `.faultline.yml` that matched no finding. Suppressions of rules that are disabled are not reported.
        """,
        fix: """
        Remove the suppression, or move it to the line the finding now sits on.
        """,
        triggering: [
            Example("""
            faultline: 1
            defaults:
              timeout: 1s
              retry: none
            services:
              frontend:
                calls:
                  ↓# faultline:ignore missing-timeout -- search streams results
                  - to: search
              search: {}
            """),
        ],
        nonTriggering: [
            Example("""
            faultline: 1
            defaults:
              retry: none
            services:
              frontend:
                calls:
                  # faultline:ignore missing-timeout -- search streams results until the user leaves
                  - to: search
                  - to: catalog   # faultline:ignore missing-timeout -- TODO(team-web) set after the Q3 load test
              search: {}
              catalog: {}
            """),
        ]
    )

    public func check(_ context: RuleContext) -> [Finding] { [] }
}
