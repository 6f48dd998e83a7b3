@testable import FaultlineModel
import FaultlineYAML
import Foundation
import Testing

/// A source's bytes read the same whether the file was read into memory or mapped.
@Suite("Source files")
struct SourceFileTests {
    @Test func mappedAndReadSourcesLoadAlike() throws {
        let text = """
        faultline: 1
        services:
          web:
            calls:
              - { to: api, timeout: 1s }
          api: {}
        """
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-source-\(UUID().uuidString).yaml").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let descriptor = open(path, O_RDONLY)
        try #require(descriptor >= 0)
        let mapped = MappedFile.map(descriptor, count: text.utf8.count)
        close(descriptor)
        let mappedSource = SourceFile(name: "t.yaml", mapped: try #require(mapped))
        let readSource = SourceFile(name: "t.yaml", text: text)
        #expect(mappedSource.bytes == readSource.bytes)
        #expect(mappedSource.withBytes { Array($0) } == Array(text.utf8))
        let fromMapping = try TopologyLoader.load([mappedSource]).get()
        let fromMemory = try TopologyLoader.load([readSource]).get()
        #expect(fromMapping.services.map(\.name) == fromMemory.services.map(\.name))
        #expect(fromMapping.calls.map(\.location) == fromMemory.calls.map(\.location))
    }
}
