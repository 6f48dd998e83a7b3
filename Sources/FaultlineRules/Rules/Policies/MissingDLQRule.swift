public struct MissingDLQRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "missing-dlq",
        name: "Missing dead-letter queue",
        summary: "A consumer has no dead-letter queue, neither its own nor its channel's.",
        severity: .error,
        rationale: """
        Sooner or later a message arrives that the consumer cannot process: a schema it does not know, a \
        reference to a deleted record, a bug. Without a dead-letter queue the broker redelivers it forever. On an \
        ordered queue or a Kafka partition it blocks every message behind it, so one bad event stops, say, all \
        order confirmations; on other brokers it burns consumer capacity in a hot loop, or is dropped and lost \
        with no trace.
        """,
        triggers: """
        A consumer with no `dlq:` of its own, on a channel with no `dlq:`.
        """,
        fix: """
        Give the consumer a `dlq:` (a channel that takes messages that keep failing), or set `dlq:` on the \
        channel to cover all its consumers. Then make sure someone consumes or alerts on the DLQ \
        (see `unconsumed-dlq`).
        """,
        triggering: [
            Example("""
            faultline: 1
            services:
              emailer:
                consumes:
                  - from: ↓order-events
                    idempotent: true
            channels:
              order-events: { broker: kafka }
            """),
        ],
        nonTriggering: [
            Example("""
            faultline: 1
            services:
              emailer:
                consumes:
                  - from: order-events
                    dlq: order-events-dlq
            channels:
              order-events: { broker: kafka }
              order-events-dlq: { broker: kafka }
            """),
            Example("""
            faultline: 1
            services:
              emailer:
                consumes:
                  - from: order-events
            channels:
              order-events: { broker: rabbitmq, dlq: order-events-dlq }
              order-events-dlq: { broker: rabbitmq }
            """),
        ]
    )

    public func check(_ context: RuleContext) -> [Finding] {
        // Messages are made as the report reads them (see `MessageSource`).
        let messages = MessageSource { subject in
            let channel = context.topology.channels[context.consumer(subject).channel].name
            return "\(context.name(of: subject.first)) consumes \(channel) with no dead-letter queue; a message that keeps failing is redelivered forever and can block the messages behind it — set 'dlq:' on the consumer or on channel \(channel)"
        }
        return context.findingsOnConsumers(source: messages) { _, consumer in
            consumer.dlq == nil && context.topology.channels[consumer.channel].dlq == nil
        }
    }
}
