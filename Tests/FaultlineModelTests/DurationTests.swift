@testable import FaultlineModel
import Testing

@Suite("Durations")
struct DurationTests {
    @Test("valid durations parse to exact microseconds", arguments: [
        ("250ms", 250_000),
        ("1.5s", 1_500_000),
        ("2m", 120_000_000),
        ("1h", 3_600_000_000),
        ("0.5ms", 500),
        ("0.001ms", 1),
        ("0s", 0),
        ("4.1s", 4_100_000),
        ("1.25m", 75_000_000),
        ("0.5h", 1_800_000_000),
        ("8784h", 8784 * 3_600_000_000),
        ("0.0000001m", 6),
        ("0.00000005h", 180),
    ] as [(String, Int64)])
    func validDurations(text: String, microseconds: Int64) throws {
        let duration = try DurationSyntax.parse(text).get()
        #expect(duration.microseconds == microseconds)
    }

    @Test("4.1s equals 4100ms exactly, and decimal fractions add exactly")
    func exactEquality() throws {
        let decimal = try DurationSyntax.parse("4.1s").get()
        let whole = try DurationSyntax.parse("4100ms").get()
        #expect(decimal == whole)
        #expect(!(decimal < whole) && !(whole < decimal))
        let sum = try DurationSyntax.parse("0.1s").get() + DurationSyntax.parse("0.2s").get()
        #expect(sum == (try DurationSyntax.parse("0.3s").get()))
        #expect(try DurationSyntax.parse("4.1s").get() < DurationSyntax.parse("4101ms").get())
    }

    @Test("invalid durations fail with the reason and a suggestion where one helps", arguments: [
        ("500", .missingUnit(suggestion: "500ms")),
        ("2", .missingUnit(suggestion: "2s")),
        ("1.5", .missingUnit(suggestion: "1.5s")),
        ("5 s", .space(suggestion: "5s")),
        ("250  ms", .space(suggestion: "250ms")),
        ("-1s", .negative),
        ("1e9h", .malformed),
        ("ms", .malformed),
        ("", .malformed),
        ("1.5.2s", .malformed),
        (".5s", .malformed),
        ("5.s", .malformed),
        ("5 parsecs", .malformed),
        ("10us", .unknownUnit("us", suggestion: nil)),
        ("10sec", .unknownUnit("sec", suggestion: "10s")),
        ("3minutes", .unknownUnit("minutes", suggestion: "3m")),
        ("2d", .unknownUnit("d", suggestion: nil)),
        ("0.0001ms", .tooPrecise),
        ("1.0000001s", .tooPrecise),
        ("99999999999h", .tooLong),
        ("9999999999999999s", .tooLong),
        ("8785h", .tooLong),
    ] as [(String, DurationSyntax.Failure)])
    func invalidDurations(text: String, failure: DurationSyntax.Failure) {
        #expect(DurationSyntax.parse(text) == .failure(failure))
    }

    @Test("minutes and hours with many decimals that are still whole microseconds", arguments: [
        ("0.00000005m", 3),      // 3 µs
        ("0.000000005h", 18),    // 18 µs
    ] as [(String, Int64)])
    func exactSmallFractions(text: String, microseconds: Int64) {
        let result = DurationSyntax.parse(text)
        // The digit-by-digit scaling gives up once the remaining scale is not a multiple of 10
        // (6 for minutes, 36 for hours), although the value is still a whole number of microseconds.
        #expect(result == .success(Duration(microseconds: microseconds)))
    }

    @Test("values finer than a microsecond in minutes and hours are rejected", arguments: ["0.00000001m", "0.0000000001h"])
    func tooPreciseMinutesAndHours(text: String) {
        #expect(DurationSyntax.parse(text) == .failure(.tooPrecise))
    }

    @Test("description is the shortest exact spelling", arguments: [
        (250_000, "250ms"),
        (1_500_000, "1.5s"),
        (120_000_000, "2m"),
        (3_600_000_000, "1h"),
        (7_200_000_000, "2h"),
        (5_400_000_000, "90m"),
        (90_000_000, "90s"),
        (4_100_000, "4.1s"),
        (1_000_000, "1s"),
        (500, "0.5ms"),
        (1, "0.001ms"),
        (1_234_567, "1.234567s"),
        (0, "0ms"),
    ] as [(Int64, String)])
    func description(microseconds: Int64, text: String) {
        #expect(Duration(microseconds: microseconds).description == text)
    }

    @Test("description parses back to the same duration", arguments: [
        0, 1, 10, 999, 1_000, 1_001, 12_345, 999_999, 1_000_000, 1_000_001, 59_999_999, 60_000_000,
        61_500_000, 3_599_999_999, 3_600_000_000, 3_630_000_000, 86_400_000_000, 31_536_000_000_000,
    ] as [Int64])
    func roundTrip(microseconds: Int64) throws {
        let duration = Duration(microseconds: microseconds)
        #expect(try DurationSyntax.parse(duration.description).get() == duration)
    }

    @Test("arithmetic saturates instead of overflowing")
    func saturation() {
        let huge = Duration(microseconds: .max - 1)
        #expect((huge + .milliseconds(1)).microseconds == .max)
        #expect((Duration.seconds(1) * Int.max).microseconds == .max)
        #expect((Duration.milliseconds(3) * 4) == .milliseconds(12))
        #expect(Duration.seconds(2) + .milliseconds(500) == Duration(microseconds: 2_500_000))
        #expect(Duration(microseconds: .max).description == "more than 292000 years")
    }
}

@Suite("Decimal text")
struct DecimalTextTests {
    @Test("whole numbers as String(_:) writes them", arguments: [0, 7, -7, 10, 99, 100, 1_000_000, Int64.max, Int64.min] as [Int64])
    func digits(_ value: Int64) {
        #expect(DecimalText.withText(of: value) { String(decoding: $0, as: UTF8.self) } == String(value))
    }

    @Test("leading zeros up to a minimum number of digits", arguments: [(5, 3, "005"), (50, 3, "050"), (12345, 3, "12345"), (0, 6, "000000")])
    func padded(_ value: Int64, _ minimum: Int, _ expected: String) {
        var buffer = [UInt8](repeating: 0, count: DecimalText.maxLength)
        let count = buffer.withUnsafeMutableBufferPointer { DecimalText.write(value, minimumDigits: minimum, to: $0.baseAddress!) }
        #expect(String(decoding: buffer[..<count], as: UTF8.self) == expected)
    }

    /// The table of common spellings is made from the computed spelling; both must
    /// agree for every duration it holds and around its edges.
    @Test("durations printed from the table of common spellings read as computed")
    func commonSpellings() {
        func spelled(_ duration: Duration, computed: Bool) -> String {
            computed ? duration.withComputedSpelling { String(decoding: $0, as: UTF8.self) }
                : duration.withSpelling { String(decoding: $0, as: UTF8.self) }
        }
        var inTable = 0
        for milliseconds in stride(from: Int64(0), through: 61_000, by: 25) {
            for extra in [Int64(0), 1, 500] {
                let duration = Duration(microseconds: milliseconds * 1_000 + extra)
                if DurationSpellings.index(of: duration.microseconds) != nil { inTable += 1 }
                #expect(spelled(duration, computed: false) == spelled(duration, computed: true), "\(duration.microseconds) µs")
            }
        }
        #expect(inTable == 40 + 1_180)  // 0–975 ms every 25 ms, then every 50 ms below a minute
        #expect(spelled(.milliseconds(10_550), computed: false) == "10.55s")
        #expect(spelled(.milliseconds(999), computed: false) == "999ms")
        #expect(DurationSpellings.index(of: 60_000_000) == nil && DurationSpellings.index(of: -1_000) == nil)
    }
}

/// The loader reads durations straight from the YAML bytes; anything that
/// path accepts must mean exactly what the full parser says it means, and
/// everything else must be left to the full parser (which explains errors).
@Suite("Durations read from bytes")
struct DurationBytesTests {
    @Test("the byte reader agrees with the full parser or declines", arguments: [
        "250ms", "1.5s", "0.001s", "1.0000001s", "1.000001s", "30m", "2h", "1h", "007s", "1.50s", "0ms", "0.5ms",
        "0.0005ms", "999999999999999ms", "9999999999999999ms", "8784h", "8785h", "1e3ms", "1.s", ".5s", "5 s", "5sec",
        "-1s", "1.2345678s", "366d", "", "ms", "1.5.5s", "12", "1_000ms", "１s",
    ])
    func agrees(text: String) {
        let fast = Array(text.utf8).withUnsafeBufferPointer { DurationSyntax.parseWellFormed($0) }
        if let fast { #expect(DurationSyntax.parse(text) == .success(fast), "\(text)") }
    }

    @Test("the common forms are taken on by the byte reader", arguments: [
        ("250ms", 250_000), ("1.5s", 1_500_000), ("30m", 1_800_000_000), ("2h", 7_200_000_000), ("0.5ms", 500),
    ] as [(String, Int64)])
    func commonForms(text: String, microseconds: Int64) {
        #expect(Array(text.utf8).withUnsafeBufferPointer { DurationSyntax.parseWellFormed($0) } == Duration(microseconds: microseconds))
    }
}
