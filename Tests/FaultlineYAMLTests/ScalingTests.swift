import FaultlineYAML
import Testing

/// Work must grow with the input, not with its square.
@Suite("Scaling")
struct ScalingTests {
    /// A flow list of `scalars` plain scalars followed by `tail` small items,
    /// each a one-element list (`nested`) or a plain scalar.
    static func list(scalars: Int, tail: Int, nested: Bool) -> String {
        var text = "["
        text.reserveCapacity((scalars + tail) * 5)
        for _ in 0..<scalars { text += "x, " }
        for _ in 0..<tail { text += nested ? "[y], " : "y, " }
        return text + "z]\n"
    }

    static func fastest(of runs: Int, _ text: String) -> Duration {
        let clock = ContinuousClock()
        var best = Duration.seconds(3600)
        for _ in 0..<runs {
            let start = clock.now
            let result = YAMLParser.parse(text, file: "big.yaml")
            let elapsed = clock.now - start
            #expect(result.diagnostics.isEmpty)
            best = min(best, elapsed)
        }
        return best
    }

    @Test("closing a small collection costs the same however many siblings came before it", .timeLimit(.minutes(2)))
    func closingIsLocal() {
        // 100 000 open siblings, then 100 000 small lists: each close must not copy the siblings.
        // Linear work makes the lists a small factor dearer than plain scalars (three events instead
        // of one); copying every sibling at every close makes them about ten times dearer.
        let withLists = Self.list(scalars: 100_000, tail: 100_000, nested: true)
        let withScalars = Self.list(scalars: 100_000, tail: 100_000, nested: false)
        let scalarsTime = Self.fastest(of: 2, withScalars)
        let listsTime = Self.fastest(of: 2, withLists)
        #expect(listsTime < scalarsTime * 3 + .milliseconds(250), "100 000 small lists: \(listsTime); 100 000 scalars: \(scalarsTime)")
    }
}
