import FaultlineTestSupport
import FaultlineModel
import FaultlineYAML
import Foundation
import Testing

/// The repository's `examples/`, found from this file's path.
enum Examples {
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent() // FaultlineModelTests
        .deletingLastPathComponent() // Tests
        .deletingLastPathComponent() // package root
        .appendingPathComponent("examples")

    static func yamlFiles(in subdirectory: String?) -> [String] {
        let folder = subdirectory.map { directory.appendingPathComponent($0) } ?? directory
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }

    static var invalid: [String] { yamlFiles(in: "invalid") }
    static var valid: [String] { yamlFiles(in: nil) }

    static func source(_ relativePath: String) throws -> SourceFile {
        let url = directory.appendingPathComponent(relativePath)
        return SourceFile(name: "examples/\(relativePath)", bytes: try readFileBytes(url.path))
    }
}

@Suite("Example files")
struct ExampleFileTests {
    @Test("the examples are found")
    func examplesExist() {
        #expect(Examples.invalid.count >= 10, "looked in \(Examples.directory.path)")
        #expect(!Examples.valid.isEmpty)
    }

    /// The `L:C` of the first line's `# expect L:C...` comment.
    static func expectedPosition(in source: SourceFile) -> String? {
        let firstLine = String(decoding: source.bytes.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        guard firstLine.hasPrefix("# expect ") else { return nil }
        let rest = firstLine.dropFirst("# expect ".count)
        let position = rest.prefix { $0.isNumber || $0 == ":" }
        let parts = position.split(separator: ":")
        guard parts.count == 2, parts.allSatisfy({ Int($0) != nil }) else { return nil }
        return "\(parts[0]):\(parts[1])"
    }

    @Test("an invalid example fails to load, first at its '# expect L:C'", arguments: Examples.invalid)
    func invalidExample(_ name: String) throws {
        let source = try Examples.source("invalid/\(name)")
        let expected = try #require(Self.expectedPosition(in: source), "the first line must be '# expect L:C: ...'")
        let clock = ContinuousClock()
        let start = clock.now
        let result = TopologyLoader.load([source])
        #expect(clock.now - start < .seconds(5))
        guard case .failure(let failure) = result else {
            Issue.record("\(name) loaded without errors")
            return
        }
        let first = try #require(failure.diagnostics.first)
        #expect(first.position == expected, "all diagnostics:\n\(failure.diagnostics.map(\.description).joined(separator: "\n"))")
        #expect(first.location.file == "examples/invalid/\(name)")
    }

    @Test("many-errors.yaml reports every problem its comment lists, in one run")
    func manyErrors() throws {
        let source = try Examples.source("invalid/many-errors.yaml")
        guard case .failure(let failure) = TopologyLoader.load([source]) else {
            Issue.record("many-errors.yaml loaded without errors")
            return
        }
        #expect(failure.diagnostics.map(\.position) == ["5:5", "8:31", "9:34", "10:15", "11:65", "17:17"],
                "\(failure.diagnostics.map(\.description).joined(separator: "\n"))")
    }

    @Test("a valid example loads without diagnostics", arguments: Examples.valid)
    func validExample(_ name: String) throws {
        let result = TopologyLoader.load([try Examples.source(name)])
        if case .failure(let failure) = result {
            Issue.record("\(name):\n\(failure.diagnostics.map(\.description).joined(separator: "\n"))")
        }
    }
}
