/// Bounds on the work one YAML file may cause, so hostile input fails fast
/// instead of exhausting memory or time.
public struct YAMLLimits: Sendable, Equatable {
    /// Nodes in a document counted as if every alias were expanded in place
    /// (the "billion laughs" guard).
    public var maxExpandedNodes: Int
    /// Collections nested inside each other.
    public var maxDepth: Int

    public init(maxExpandedNodes: Int = 20_000_000, maxDepth: Int = 256) {
        self.maxExpandedNodes = maxExpandedNodes
        self.maxDepth = maxDepth
    }

    public static let `default` = YAMLLimits()
}
