import FaultlineModel
import FaultlineYAML
import Testing

@Suite("Retry policies and worst cases")
struct RetryPolicyTests {
    static let here = FaultlineYAML.SourceLocation(file: "test.yaml", line: 1, column: 1)

    static func policy(_ attempts: Int, _ backoff: Backoff, base: Int64 = 100, max: Int64? = nil) -> RetryPolicy {
        RetryPolicy(maxAttempts: attempts, backoff: backoff, base: .milliseconds(base), max: max.map { .milliseconds($0) }, location: here)
    }

    @Test("total backoff: the delays between attempts, each capped at max", arguments: [
        ("no backoff sleeps nothing", policy(5, .none), 0),
        ("one attempt never sleeps", policy(1, .exponential), 0),
        ("one attempt with fixed backoff", policy(1, .fixed, base: 500), 0),
        ("fixed: base between each of 4 attempts", policy(4, .fixed, base: 200), 600),
        ("fixed, capped below base", policy(3, .fixed, base: 200, max: 150), 300),
        ("fixed, cap above base changes nothing", policy(3, .fixed, base: 200, max: 1_000), 400),
        ("exponential 100, 200, 400", policy(4, .exponential), 700),
        ("exponential 2 attempts", policy(2, .exponential), 100),
        ("exponential capped at 250: 100, 200, 250", policy(4, .exponential, max: 250), 550),
        ("exponential capped at 250: 100, 200, 250, 250", policy(5, .exponential, max: 250), 800),
        ("exponential, cap reached exactly: 100, 200, 200", policy(4, .exponential, max: 200), 500),
        ("exponential, cap far above: uncapped", policy(4, .exponential, max: 60_000), 700),
        ("exponential, cap below base: every delay capped", policy(3, .exponential, base: 500, max: 100), 200),
        ("1000 attempts capped at 1s", policy(1000, .exponential, max: 1_000), 100 + 200 + 400 + 800 + 995 * 1_000),
    ] as [(String, RetryPolicy, Int64)])
    func totalBackoff(_ name: String, policy: RetryPolicy, milliseconds: Int64) {
        #expect(policy.totalBackoff == .milliseconds(milliseconds), "\(name)")
    }

    @Test("uncapped exponential backoff over 1000 attempts saturates instead of trapping")
    func uncappedSaturates() {
        let policy = Self.policy(1000, .exponential, base: 1_000)
        #expect(policy.totalBackoff.microseconds == .max)
    }

    @Test("RetrySetting: max attempts and whether it retries")
    func retrySetting() {
        #expect(RetrySetting.unset.maxAttempts == 1)
        #expect(RetrySetting.none(Self.here).maxAttempts == 1)
        #expect(RetrySetting.policy(Self.policy(3, .none)).maxAttempts == 3)
        #expect(RetrySetting.policy(Self.policy(1, .none)).retryingPolicy == nil)
        #expect(RetrySetting.policy(Self.policy(2, .fixed)).retryingPolicy?.maxAttempts == 2)
        #expect(RetrySetting.none(Self.here).retryingPolicy == nil)
    }

    @Test("Call.worstCase is timeout × attempts plus the backoff, nil without a timeout", arguments: [
        ("no retry", "timeout: 100ms", 100 as Int64?),
        ("retry none", "timeout: 100ms, retry: none", 100),
        ("one attempt", "timeout: 100ms, retry: { max_attempts: 1, backoff: fixed, base: 1s }", 100),
        ("exponential", "timeout: 100ms, retry: { max_attempts: 3, backoff: exponential, base: 50ms }", 450),
        ("fixed, capped", "timeout: 1s, retry: { max_attempts: 4, backoff: fixed, base: 300ms, max: 200ms }", 4_600),
        ("no backoff", "timeout: 250ms, retry: { max_attempts: 4 }", 1_000),
        ("no timeout", "retry: { max_attempts: 3 }", nil),
    ] as [(String, String, Int64?)])
    func worstCase(_ name: String, fields: String, milliseconds: Int64?) throws {
        let topology = try loadValid("""
            faultline: 1
            services:
              a:
                calls:
                  - { to: b, \(fields) }
              b: {}
            """)
        let call = try #require(topology.calls.first)
        #expect(call.worstCase == milliseconds.map { .milliseconds($0) }, "\(name)")
    }

    @Test("worstCase uses the defaults' timeout and retry; timeout: none has no worst case")
    func worstCaseWithDefaults() throws {
        let topology = try loadValid("""
            faultline: 1
            defaults:
              timeout: 200ms
              retry: { max_attempts: 2, backoff: fixed, base: 50ms }
            services:
              a:
                calls:
                  - to: b
                  - { to: b, timeout: none }
              b: {}
            """)
        try #require(topology.calls.count == 2)
        #expect(topology.calls[0].worstCase == .milliseconds(450))
        #expect(topology.calls[1].worstCase == nil)
    }
}
