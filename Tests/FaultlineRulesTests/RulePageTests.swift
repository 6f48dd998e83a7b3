import FaultlineTestSupport
import Testing
import FaultlineRules
import FaultlineReport

#if canImport(Glibc)
import Glibc
#endif

/// `rules/<id>.md` is generated from each rule's description; this test fails
/// when a page no longer matches its rule. `FAULTLINE_RECORD=1 swift test`
/// rewrites the pages instead.
@Test("rule page is up to date", arguments: RuleCatalog.all.map { $0.description.id })
func rulePageIsUpToDate(_ id: String) throws {
    let rule = try #require(RuleCatalog.rule(id: id))
    let path = packageRoot() + "/rules/\(id).md"
    let expected = RuleDocumentation.page(for: rule)
    if recording() {
        try writeText(expected, to: path)
        return
    }
    let actual = readText(path)
    #expect(actual == expected, "rules/\(id).md is stale or missing; run FAULTLINE_RECORD=1 swift test to regenerate it")
}

func packageRoot(file: String = #filePath) -> String {
    var parts = file.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3) // Tests/<Target>/<File>.swift
    return parts.joined(separator: "/")
}

func recording() -> Bool { getenv("FAULTLINE_RECORD").map { String(cString: $0) == "1" } ?? false }

func readText(_ path: String) -> String? {
    (try? readFileBytes(path)).map { String(decoding: $0, as: UTF8.self) }
}

struct WriteError: Error {}

func writeText(_ text: String, to path: String) throws {
    guard let file = fopen(path, "wb") else { throw WriteError() }
    defer { fclose(file) }
    var text = text
    let written = text.withUTF8 { fwrite($0.baseAddress, 1, $0.count, file) }
    if written != text.utf8.count { throw WriteError() }
}
