@testable import FaultlineRules
import FaultlineTestSupport
import FaultlineYAML
import Testing

/// Large reports are ranked, sorted in two halves and merged on two cores;
/// the order must be the one a plain sort by file, line, column, rule and
/// message gives, earlier groups first where all of those tie.
@Suite("Report order")
struct ReportOrderTests {
    /// `count` findings in `groups` rule groups, on few enough positions and messages that many tie.
    static func groups(count: Int, groups: Int, seed: UInt64) -> [[Finding]] {
        var generator = SplitMix64(state: seed)
        var result = [[Finding]](repeating: [], count: groups)
        for _ in 0..<count {
            let group = generator.next(below: groups)
            let file = ["b.yaml", "a.yaml", "c/z.yaml"][generator.next(below: 3)]
            let location = SourceLocation(file: file, line: generator.next(below: 400) + 1, column: generator.next(below: 4) + 1)
            let rule = ["timeout-inversion", "missing-timeout", "sync-fan-out"][(group + generator.next(below: 2)) % 3]
            result[group].append(Finding(rule: rule, severity: .warning, message: "m\(generator.next(below: 5))", location: location))
        }
        return result
    }

    static func reference(_ groups: [[Finding]]) -> [Finding] {
        let numbered = groups.joined().enumerated().map { (sequence: $0.offset, finding: $0.element) }
        return numbered.sorted { a, b in
            let x = a.finding, y = b.finding
            if x.location.file != y.location.file { return x.location.file < y.location.file }
            if x.location.line != y.location.line { return x.location.line < y.location.line }
            if x.location.column != y.location.column { return x.location.column < y.location.column }
            if x.rule != y.rule { return x.rule < y.rule }
            if x.message != y.message { return x.message < y.message }
            return a.sequence < b.sequence
        }.map(\.finding)
    }

    @Test("two halves merged on two cores give the order of one sort", arguments: [(30_000, 7, 1), (20_001, 1, 2), (45_000, 20, 3)] as [(Int, Int, UInt64)])
    func largeReports(count: Int, groupCount: Int, seed: UInt64) {
        let groups = Self.groups(count: count, groups: groupCount, seed: seed)
        let expected = Self.reference(groups)
        let sorted = Finding.sortedInReportOrder(groups)
        #expect(sorted.count == count)
        #expect(sorted == expected)
        var owned = groups
        #expect(Finding.sortedInReportOrder(releasing: &owned) == expected)
        #expect(owned.isEmpty)
    }

    /// The sort counts the findings as it ranks them; the report takes
    /// those counts instead of a second pass, so they must be the same.
    @Test("the sort counts findings as a second pass would", arguments: [(300, 3, 4), (30_000, 7, 5)] as [(Int, Int, UInt64)])
    func countsWhileSorting(count: Int, groupCount: Int, seed: UInt64) {
        var groups = Self.groups(count: count, groups: groupCount, seed: seed)
        var generator = SplitMix64(state: seed)
        for group in groups.indices {
            for index in groups[group].indices {
                switch generator.next(below: 5) {
                case 0: groups[group][index].severity = .error
                case 1: groups[group][index].severity = .note
                case 2: groups[group][index].baselineState = .unchanged
                case 3: groups[group][index].suppression = Suppression(kind: .inline, reason: "r", location: groups[group][index].location)
                default: break
                }
            }
        }
        let expected = Finding.Counts.of(Array(groups.joined()))
        #expect(expected.error > 0 && expected.warning > 0 && expected.note > 0 && expected.suppressed > 0 && expected.baselined > 0)
        #expect(expected.error + expected.warning + expected.note + expected.suppressed + expected.baselined == count)
        var counted = Finding.Counts()
        let sorted = Finding.sortedInReportOrder(releasing: &groups, counting: &counted)
        #expect(counted == expected)
        #expect(Finding.Counts.of(sorted) == expected)
    }

    @Test("the merge splits where the first k of the merged runs end", arguments: [0, 1, 5, 9, 10, 11, 20] as [Int])
    func mergeSplit(count: Int) {
        let first = [1, 4, 6, 8, 10, 12, 14, 16, 18, 19], second = [0, 2, 3, 5, 7, 9, 11, 13, 15, 17]
        let (i, j) = first.withUnsafeBufferPointer { a in
            second.withUnsafeBufferPointer { b in Finding.mergeSplit(a, b, taking: count, by: <) }
        }
        #expect(i + j == count)
        #expect(Set(first[..<i] + second[..<j]) == Set((first + second).sorted()[..<count]))
    }
}
