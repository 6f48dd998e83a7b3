/// Bounds on the work one YAML file may cause, so hostile input fails fast
/// with an error naming the limit, instead of exhausting memory or time.
/// Each has a command-line flag; the defaults admit a generated topology of
/// 50 000 services (28 MB, 3 million nodes) with room to spare.
public struct YAMLLimits: Sendable, Equatable {
    /// Bytes in one file.
    public var maxFileBytes: Int
    /// Nodes in a document counted as if every alias were expanded in place
    /// (the "billion laughs" guard).
    public var maxExpandedNodes: Int
    /// Collections nested inside each other.
    public var maxDepth: Int
    /// Bytes in one scalar.
    public var maxScalarBytes: Int

    public init(maxFileBytes: Int = 256 << 20, maxExpandedNodes: Int = 20_000_000, maxDepth: Int = 256, maxScalarBytes: Int = 1 << 20) {
        self.maxFileBytes = maxFileBytes
        self.maxExpandedNodes = maxExpandedNodes
        self.maxDepth = maxDepth
        self.maxScalarBytes = maxScalarBytes
    }

    public static let `default` = YAMLLimits()

    /// The most `maxExpandedNodes` can be: expanded sizes are kept in 31
    /// bits and saturate above it (see `ExpandedSize`), so any larger count
    /// still exceeds the limit.
    public static let highestNodeLimit = 2_000_000_000

    /// "256 MiB", "1 MiB", "512 bytes" — limits are stated in the unit they were likely set in.
    public static func describeBytes(_ count: Int) -> String {
        if count >= 1 << 20, count % (1 << 20) == 0 { return "\(count >> 20) MiB" }
        if count >= 1 << 10, count % (1 << 10) == 0 { return "\(count >> 10) KiB" }
        return "\(count) bytes"
    }
}
