/// A number a configuration file may change for one rule.
public struct Threshold: Sendable, Equatable {
    public let key: String
    public let defaultValue: Int
    public let minimum: Int
    public let summary: String

    public init(_ key: String, default defaultValue: Int, minimum: Int = 0, summary: String) {
        self.key = key
        self.defaultValue = defaultValue
        self.minimum = minimum
        self.summary = summary
    }
}

/// A topology that shows a rule's behaviour. In triggering examples `↓` marks
/// each place a finding must sit (right before the node it points at); it is
/// removed before parsing. Keeps its own source position so a failing example
/// names its line.
public struct Example: Sendable {
    public let yaml: String
    /// Threshold values this example runs with, where not the defaults.
    public let thresholds: [String: Int]
    public let file: String
    public let line: Int

    public static let marker: Character = "↓"

    public init(_ yaml: String, thresholds: [String: Int] = [:], file: String = #filePath, line: Int = #line) {
        self.yaml = yaml
        self.thresholds = thresholds
        self.file = file
        self.line = line
    }

    /// The YAML with markers removed.
    public var text: String { yaml.filter { $0 != Example.marker } }

    /// 1-based line and column of every marker, as they are once markers are removed.
    public var markedPositions: [(line: Int, column: Int)] {
        var positions: [(line: Int, column: Int)] = []
        var line = 1, column = 1
        for character in yaml {
            if character == Example.marker {
                positions.append((line, column))
            } else if character == "\n" {
                line += 1; column = 1
            } else {
                column += 1
            }
        }
        return positions
    }
}

/// Everything known about a rule: it serves the docs, the tests and `faultline rules`.
public struct RuleDescription: Sendable {
    public let id: String
    public let name: String
    public let summary: String
    public let defaultSeverity: Severity
    public let thresholds: [Threshold]
    /// What goes wrong in production, under load. Markdown.
    public let rationale: String
    /// What exactly triggers it. Markdown.
    public let triggers: String
    /// How to fix it. Markdown.
    public let fix: String
    public let triggeringExamples: [Example]
    public let nonTriggeringExamples: [Example]

    public init(id: String, name: String, summary: String, severity: Severity, thresholds: [Threshold] = [],
                rationale: String, triggers: String, fix: String,
                triggering: [Example], nonTriggering: [Example]) {
        self.id = id
        self.name = name
        self.summary = summary
        self.defaultSeverity = severity
        self.thresholds = thresholds
        self.rationale = rationale
        self.triggers = triggers
        self.fix = fix
        self.triggeringExamples = triggering
        self.nonTriggeringExamples = nonTriggering
    }
}
