public import FaultlineYAML
public import FaultlineModel

/// What a `.faultline.yml` changes: per rule, whether it runs, its severity
/// and its thresholds; and the severity at which the run fails.
public struct Configuration: Sendable {
    public struct RuleSettings: Sendable, Equatable {
        public var enabled: Bool = true
        public var severity: Severity?
        public var thresholds: [String: Int] = [:]

        public init(enabled: Bool = true, severity: Severity? = nil, thresholds: [String: Int] = [:]) {
            self.enabled = enabled
            self.severity = severity
            self.thresholds = thresholds
        }
    }

    /// An `ignore:` entry: findings of matching rules on matching subjects are suppressed.
    public struct IgnoreEntry: Sendable, Equatable {
        /// A rule id, or a glob over rule ids (`*`, `?`).
        public var rule: String
        /// A glob over the finding's service (or channel, or datastore) name.
        public var service: String
        public var reason: String
        public var location: SourceLocation

        public init(rule: String, service: String = "*", reason: String, location: SourceLocation) {
            self.rule = rule
            self.service = service
            self.reason = reason
            self.location = location
        }
    }

    public var rules: [String: RuleSettings]
    /// `fail_on:` from the file; the command line's `--fail-on` wins.
    public var failOn: FailThreshold?
    public var ignores: [IgnoreEntry]

    public init(rules: [String: RuleSettings] = [:], failOn: FailThreshold? = nil, ignores: [IgnoreEntry] = []) {
        self.rules = rules
        self.failOn = failOn
        self.ignores = ignores
    }

    public func isEnabled(_ id: String) -> Bool { settings(for: id).enabled }

    public static let `default` = Configuration()

    public func settings(for id: String) -> RuleSettings { rules[id] ?? RuleSettings() }

    /// The thresholds a rule runs with: its defaults, overridden by the configuration.
    public func thresholds(for description: RuleDescription) -> [String: Int] {
        var values: [String: Int] = [:]
        for threshold in description.thresholds { values[threshold.key] = threshold.defaultValue }
        for (key, value) in settings(for: description.id).thresholds { values[key] = value }
        return values
    }

    public func severity(for description: RuleDescription) -> Severity {
        settings(for: description.id).severity ?? description.defaultSeverity
    }
}

/// The lowest severity that fails the run, or `never`.
public enum FailThreshold: String, Sendable, CaseIterable {
    case error, warning, note, never

    public func fails(_ severity: Severity) -> Bool {
        switch self {
        case .never: return false
        case .error: return severity >= .error
        case .warning: return severity >= .warning
        case .note: return true
        }
    }
}

public enum ConfigurationLoader {
    public static let fileName = ".faultline.yml"

    /// Reads a configuration file; every problem is reported, positioned like topology errors.
    public static func load(_ file: SourceFile, rules: [any Rule.Type] = RuleCatalog.all) -> Result<Configuration, LoadFailure> {
        let parsed = file.parse()
        guard let document = parsed.document else { return .failure(LoadFailure(diagnostics: parsed.diagnostics)) }
        let reader = NodeReader()
        reader.append(parsed.diagnostics)
        var configuration = Configuration()
        if let root = document.root, !root.isNull, let fields = reader.fields(of: root, what: "the configuration", allowed: ["rules", "fail_on", "ignore"], alwaysSuggest: true) {
            for (key, _, value) in fields {
                switch key {
                case "fail_on": configuration.failOn = reader.choice(value, what: "'fail_on'", as: FailThreshold.self)
                case "rules": configuration.rules = readRules(value, reader: reader, rules: rules)
                case "ignore": configuration.ignores = readIgnores(value, reader: reader, rules: rules)
                default: break
                }
            }
        }
        if !reader.diagnostics.isEmpty { return .failure(LoadFailure(diagnostics: reader.diagnostics.sorted())) }
        return .success(configuration)
    }

    private static func readIgnores(_ node: YAMLNode, reader: NodeReader, rules: [any Rule.Type]) -> [Configuration.IgnoreEntry] {
        let ids = rules.map { $0.description.id }
        var entries: [Configuration.IgnoreEntry] = []
        for element in reader.list(node, what: "'ignore'") ?? [] {
            guard let fields = reader.fields(of: element, what: "an ignore entry", allowed: ["rule", "service", "reason"]) else { continue }
            var rule: String?, service = "*", reason: String?
            for (key, _, value) in fields {
                switch key {
                case "rule":
                    rule = reader.string(value, what: "'rule'")
                    if let pattern = rule, !ids.contains(where: { Glob.matches(pattern, $0) }) {
                        let hint = Suggestions.closest(to: pattern, in: ids).map { "; did you mean '\($0)'?" } ?? ""
                        reader.error("'rule' '\(pattern)' matches no rule\(hint)", at: value)
                        rule = nil
                    }
                case "service": service = reader.string(value, what: "'service'") ?? service
                case "reason": reason = reader.string(value, what: "'reason'")
                default: break
                }
            }
            if !fields.contains(where: { $0.key == "rule" }) {
                reader.error("an ignore entry needs 'rule:', the rule id (or a glob) it ignores", at: element)
            }
            if !fields.contains(where: { $0.key == "reason" }) || reason?.isEmpty == true {
                reader.error("an ignore entry needs 'reason:', why the exception is acceptable", at: element)
            }
            if let rule, let reason, !reason.isEmpty {
                entries.append(Configuration.IgnoreEntry(rule: rule, service: service, reason: reason, location: element.location))
            }
        }
        return entries
    }

    private static func readRules(_ node: YAMLNode, reader: NodeReader, rules: [any Rule.Type]) -> [String: Configuration.RuleSettings] {
        var result: [String: Configuration.RuleSettings] = [:]
        if node.isNull { return result }
        let descriptions = rules.map { $0.description }
        let ids = descriptions.map(\.id)
        guard let fields = reader.fields(of: node, what: "'rules'", allowed: KeySet(ids)) else { return result }
        for (id, _, value) in fields {
            guard let description = descriptions.first(where: { $0.id == id }) else { continue }
            var settings = Configuration.RuleSettings()
            if value.kind == .scalar {
                // `rule-id: off` / `false` disables, `on` / `true` keeps it; a severity name sets it.
                if let severity = Severity(rawValue: value.scalar ?? "") {
                    settings.severity = severity
                } else if let enabled = reader.bool(value, what: "rule '\(id)' (true, false, a severity, or a mapping)") {
                    settings.enabled = enabled
                }
                result[id] = settings
                continue
            }
            let allowed = ["enabled", "severity"] + description.thresholds.map(\.key)
            guard let options = reader.fields(of: value, what: "rule '\(id)'", allowed: KeySet(allowed)) else { continue }
            for (key, _, option) in options {
                switch key {
                case "enabled": settings.enabled = reader.bool(option, what: "'enabled'") ?? true
                case "severity": settings.severity = reader.choice(option, what: "'severity'", as: Severity.self)
                default:
                    if let threshold = description.thresholds.first(where: { $0.key == key }),
                       let number = reader.integer(option, what: "'\(key)'", in: threshold.minimum...Int.max) {
                        settings.thresholds[key] = number
                    }
                }
            }
            result[id] = settings
        }
        return result
    }
}
