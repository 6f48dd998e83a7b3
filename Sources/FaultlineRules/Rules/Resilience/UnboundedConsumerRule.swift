public struct UnboundedConsumerRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "unbounded-consumer",
        name: "Unbounded consumer",
        summary: "A consumer has no `max_in_flight` and its channel no `max_length`: nothing applies backpressure.",
        severity: .warning,
        rationale: """
        When producers outpace a consumer — a traffic peak, a slow database, a consumer that was down for an \
        hour — something has to give. With no bound on what the consumer takes at once and none on the queue, \
        the consumer prefetches or starts handlers for whatever the broker hands it: after a 1-hour outage at \
        500 messages per second that is 1.8 million messages, which it tries to hold in memory or process at \
        once until it runs out of memory or swamps the database it writes to, restarts, and does it again. \
        A bound turns the backlog into waiting, which can be watched and drained.
        """,
        triggers: """
        A consumer with no `max_in_flight:` on a channel with no `max_length:`. Either bound is enough.
        """,
        fix: """
        Set `max_in_flight:` on the consumer — its prefetch or concurrency limit, sized for what its own \
        dependencies can take (say 32) — or `max_length:` on the channel, with a plan for what producers do when \
        it is full. Alert on the consumer's lag so a growing backlog is seen.
        """,
        triggering: [
            Example("""
            faultline: 1
            services:
              reporting:
                consumes:
                  - from: ↓ledger-events
                    dlq: ledger-events-dlq
            channels:
              ledger-events: { broker: kafka }
              ledger-events-dlq: { broker: kafka }
            """),
        ],
        nonTriggering: [
            Example("""
            faultline: 1
            services:
              reporting:
                consumes:
                  - from: ledger-events
                    dlq: ledger-events-dlq
                    max_in_flight: 32
              emailer:
                consumes:
                  - from: order-events
                    dlq: order-events-dlq
            channels:
              ledger-events: { broker: kafka }
              order-events: { broker: rabbitmq, max_length: 100000 }
              ledger-events-dlq: { broker: kafka }
              order-events-dlq: { broker: rabbitmq }
            """),
        ]
    )

    /// Milliseconds at 50 000 services (see `Rule.weight`).
    public static let weight = 4

    public func check(_ context: RuleContext) -> [Finding] {
        // Messages are made as the report reads them (see `MessageSource`).
        let messages = MessageSource { subject in
            let channel = context.topology.channels[context.consumer(subject).channel].name
            return "\(context.name(of: subject.first)) consumes \(channel) with no 'max_in_flight', and \(channel) has no 'max_length'; when a backlog builds nothing limits how much \(context.name(of: subject.first)) takes on at once, so it can run out of memory or swamp its dependencies — set 'max_in_flight:' on the consumer, or 'max_length:' on the channel"
        }
        return context.findingsOnConsumers(source: messages) { _, consumer in
            consumer.maxInFlight == nil && context.topology.channels[consumer.channel].maxLength == nil
        }
    }
}
