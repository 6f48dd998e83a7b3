@testable import FaultlineModel
import FaultlineTestSupport
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
        let mapped = try withTemporaryFile(Array(text.utf8)) { MappedFile.map($0, count: text.utf8.count) }
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
