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

    public var rules: [String: RuleSettings]
    /// `fail_on:` from the file; the command line's `--fail-on` wins.
    public var failOn: FailThreshold?

    public init(rules: [String: RuleSettings] = [:], failOn: FailThreshold? = nil) {
        self.rules = rules
        self.failOn = failOn
    }

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
        let parsed = YAMLParser.parse(file.bytes, file: file.name)
        guard let document = parsed.document else { return .failure(LoadFailure(diagnostics: parsed.diagnostics)) }
        let reader = NodeReader()
        reader.append(parsed.diagnostics)
        var configuration = Configuration()
        if let root = document.root, !root.isNull, let fields = reader.fields(of: root, what: "the configuration", allowed: ["rules", "fail_on"], alwaysSuggest: true) {
            for (key, _, value) in fields {
                switch key {
                case "fail_on": configuration.failOn = reader.choice(value, what: "'fail_on'", as: FailThreshold.self)
                case "rules": configuration.rules = readRules(value, reader: reader, rules: rules)
                default: break
                }
            }
        }
        if !reader.diagnostics.isEmpty { return .failure(LoadFailure(diagnostics: reader.diagnostics.sorted())) }
        return .success(configuration)
    }

    private static func readRules(_ node: YAMLNode, reader: NodeReader, rules: [any Rule.Type]) -> [String: Configuration.RuleSettings] {
        var result: [String: Configuration.RuleSettings] = [:]
        if node.isNull { return result }
        let descriptions = rules.map { $0.description }
        let ids = descriptions.map(\.id)
        guard let fields = reader.fields(of: node, what: "'rules'", allowed: ids) else { return result }
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
            guard let options = reader.fields(of: value, what: "rule '\(id)'", allowed: allowed) else { continue }
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
