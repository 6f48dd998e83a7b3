@testable import FaultlineImport
import FaultlineModel
import FaultlineYAML
import Testing

/// Damaged fixtures: every import either succeeds with a valid topology or
/// fails with positioned problems; the importer's own check that its output
/// loads ("internal error") never fires, and nothing crashes.
@Suite("Robustness")
struct RobustnessTests {
    @Test("lines removed, lines truncated, and everything indented by one", arguments: ImportSource.allCases)
    func damaged(_ source: ImportSource) throws {
        let files = try RendererTests.fixture(source)
        var variants: [[(String, String)]] = []
        for (index, file) in files.enumerated() {
            let lines = file.1.split(separator: "\n", omittingEmptySubsequences: false)
            for removed in stride(from: 1, to: lines.count, by: 5) {
                var damaged = lines
                damaged.remove(at: removed)
                var copy = files
                copy[index].1 = damaged.joined(separator: "\n")
                variants.append(copy)
            }
            for cut in stride(from: 2, to: lines.count, by: 9) {
                var damaged = lines
                damaged[cut] = damaged[cut].prefix(damaged[cut].count / 2)
                var copy = files
                copy[index].1 = damaged.joined(separator: "\n")
                variants.append(copy)
            }
            var copy = files
            copy[index].1 = lines.map { " " + $0 }.joined(separator: "\n")
            variants.append(copy)
        }
        var succeeded = 0, failed = 0
        for variant in variants {
            switch runImport(source, variant) {
            case .success(let result):
                succeeded += 1
                if case .failure(let failure) = TopologyLoader.load([SourceFile(name: Importer.generatedFileName, text: result.text)]) {
                    Issue.record("invalid output: \(failure.diagnostics)")
                }
            case .failure(let failure):
                failed += 1
                #expect(!failure.diagnostics.isEmpty)
                #expect(failure.diagnostics.allSatisfy { !$0.message.hasPrefix("internal error") }, "\(failure.diagnostics)")
                #expect(failure.diagnostics.allSatisfy { diagnostic in variant.contains { $0.0 == diagnostic.location.file } })
            }
        }
        #expect(succeeded > 0 && failed > 0, "\(succeeded) succeeded, \(failed) failed")
    }
}
