/// The outcome of parsing a file that may hold several documents (`---`), as
/// Kubernetes manifests and Backstage catalogs do: every document in order,
/// and every problem found. After a fatal problem (invalid YAML, a limit)
/// `documents` is empty.
public struct YAMLStreamResult: Sendable {
    public let documents: [YAMLDocument]
    public let diagnostics: [Diagnostic]
}

extension YAMLParser {
    /// Parses every document of a stream. Each document has its own anchors
    /// (YAML does not carry them across `---`); the limits apply to the file
    /// as they do for `parse`. A file without any document (empty, or only
    /// comments) gives no documents and no problems.
    public static func parseStream(_ bytes: [UInt8], file: String, limits: YAMLLimits = .default) -> YAMLStreamResult {
        build(bytes, file: file, limits: limits, stream: true) { builder in
            YAMLStreamResult(documents: builder.streamDocuments(), diagnostics: builder.result().diagnostics)
        }
    }

    public static func parseStream(_ text: String, file: String, limits: YAMLLimits = .default) -> YAMLStreamResult {
        parseStream(Array(text.utf8), file: file, limits: limits)
    }
}
