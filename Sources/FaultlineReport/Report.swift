public import FaultlineModel
public import FaultlineRules

public enum Tool {
    public static let name = "faultline"
    public static let version = "0.1.0"
}

/// What a reporter prints: the findings of one run and what they were found in.
public struct Report: Sendable {
    public let system: String?
    public let files: [String]
    public let serviceCount: Int
    public let callCount: Int
    public let channelCount: Int
    /// In report order.
    public let findings: [Finding]

    public init(topology: Topology, findings: [Finding]) {
        system = topology.system
        files = topology.files
        serviceCount = topology.services.count
        callCount = topology.calls.count
        channelCount = topology.channels.count
        self.findings = findings
    }

    public func count(_ severity: Severity) -> Int { findings.lazy.filter { $0.severity == severity }.count }
}

/// Every output format is a case here, so a new one does not compile until it has a reporter.
public enum OutputFormat: String, Sendable, CaseIterable {
    case text, json

    public func render(_ report: Report, color: Bool) -> String {
        switch self {
        case .text: return TextReporter(color: color).render(report)
        case .json: return JSONReporter().render(report)
        }
    }
}
