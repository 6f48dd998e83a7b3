public struct MissingTracingRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "missing-tracing",
        name: "Missing tracing",
        summary: "A service of the system does not emit distributed traces.",
        severity: .note,
        rationale: """
        A distributed trace shows where one request spent its time across services; a service that emits no \
        spans is a blind spot in every trace that passes through it. When a request's p99 goes from 300 ms to \
        2 s, the trace shows 1.7 s vanishing into the untraced service, with no sign of which of its calls, \
        queries or retries took it — and with traces sampled at 1 %, the slow request is rarely caught twice. \
        The trace context also stops there: the calls and messages it sends start new traces that cannot be \
        joined to the request that caused them.
        """,
        triggers: """
        A service that is not `external: true` and does not set `tracing: true`. External services are outside \
        the system's control and are not checked.
        """,
        fix: """
        Instrument the service (OpenTelemetry, or the tracer the rest of the system uses), propagate the trace \
        context on its inbound and outbound calls and messages, and set `tracing: true`.
        """,
        triggering: [
            Example("""
            faultline: 1
            services:
              api-gateway:
                tracing: true
                calls:
                  - to: checkout
              ↓checkout:
                calls:
                  - to: stripe
              ↓settlement-worker:
                tracing: no
              stripe:
                external: true
            """),
        ],
        nonTriggering: [
            Example("""
            faultline: 1
            services:
              api-gateway:
                tracing: true
                calls:
                  - to: stripe
              stripe:
                external: true
            """),
        ]
    )

    /// Milliseconds at 50 000 services (see `Rule.weight`).
    public static let weight = 2

    public func check(_ context: RuleContext) -> [Finding] {
        // Messages are made as the report reads them (see `MessageSource`); the subject is the service.
        let messages = MessageSource { subject in
            "\(context.name(of: subject.first)) does not emit distributed traces (no 'tracing: true'); every request through it leaves a gap in its trace, and the calls and messages it sends start new traces that cannot be joined to their cause — instrument it, propagate the trace context and set 'tracing: true'"
        }
        // Services are read in place: copying each one retains every list it
        // holds, lists the rules on the other core are reading too.
        let services = context.topology.services
        return services.indices.compactMap { id in
            guard !services[id].external, !services[id].tracing else { return nil }
            return context.finding(onService: id, subject: .init(id), source: messages)
        }
    }
}
