import FaultlineYAML
import Testing

/// Parses `text` as the file `test.yaml`.
func parse(_ text: String, limits: YAMLLimits = .default) -> YAMLParseResult {
    YAMLParser.parse(text, file: "test.yaml", limits: limits)
}

/// Parses `text`, expecting no diagnostics at all, and returns the root node.
func parseRoot(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> YAMLNode {
    let result = parse(text)
    #expect(result.diagnostics.isEmpty, "unexpected diagnostics: \(result.diagnostics)", sourceLocation: sourceLocation)
    let document = try #require(result.document, sourceLocation: sourceLocation)
    return try #require(document.root, sourceLocation: sourceLocation)
}

extension YAMLNode {
    /// The value under `key` in a mapping (after merge keys), or nil.
    subscript(key: String) -> YAMLNode? {
        entries.first { $0.key.scalar == key }?.value
    }

    /// The key node for `key` in a mapping (after merge keys), or nil.
    func keyNode(_ key: String) -> YAMLNode? {
        entries.first { $0.key.scalar == key }?.key
    }

    /// The keys of a mapping, in order.
    var keys: [String] { entries.compactMap { $0.key.scalar } }

    /// `line:column`, for compact expectations.
    var position: String { "\(location.line):\(location.column)" }
}

extension Diagnostic {
    var position: String { "\(location.line):\(location.column)" }
}
