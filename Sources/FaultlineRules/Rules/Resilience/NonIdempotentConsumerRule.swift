public struct NonIdempotentConsumerRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "non-idempotent-consumer",
        name: "Non-idempotent consumer",
        summary: "A consumer of an at-least-once channel is not marked idempotent.",
        severity: .warning,
        rationale: """
        At-least-once delivery means every message arrives, and some arrive twice or more: when a consumer \
        crashes between doing the work and acknowledging it, when a Kafka consumer group rebalances, when a \
        broker's visibility timeout runs out on a slow handler. Redeliveries come in bulk, and at the worst time: \
        a rebalance during a deploy redelivers everything since the last commit — with a commit every 5 s at \
        200 messages per second, up to 1 000 messages handled a second time. A consumer that is not idempotent \
        does each of them again: sends the email twice, pays the merchant twice, counts the sale twice.
        """,
        triggers: """
        A consumer without `idempotent: true` on a channel whose `delivery:` is `at-least-once` (the default when \
        `delivery:` is left out). Consumers of `at-most-once` and `exactly-once` channels are not checked.
        """,
        fix: """
        Make the handler safe to repeat: record each message's id (or a business key such as the order id) in \
        the same transaction as its effect and skip ids already seen, or make the effect idempotent itself (an \
        upsert, setting a state rather than adding to it). Then set `idempotent: true` on the consumer.
        """,
        triggering: [
            Example("""
            faultline: 1
            services:
              payout-worker:
                consumes:
                  - from: ↓ledger-events
                    dlq: ledger-events-dlq
                    max_in_flight: 4
              emailer:
                consumes:
                  - from: ↓order-events
                    dlq: order-events-dlq
                    idempotent: false
            channels:
              ledger-events: { broker: kafka }
              order-events: { broker: rabbitmq, delivery: at-least-once }
              ledger-events-dlq: { broker: kafka }
              order-events-dlq: { broker: rabbitmq }
            """),
        ],
        nonTriggering: [
            Example("""
            faultline: 1
            services:
              payout-worker:
                consumes:
                  - from: ledger-events
                    dlq: ledger-events-dlq
                    idempotent: true
              metrics:
                consumes:
                  - from: page-views
              auditor:
                consumes:
                  - from: ledger-changes
                    dlq: ledger-events-dlq
            channels:
              ledger-events: { broker: kafka }
              page-views: { broker: nats, delivery: at-most-once }
              ledger-changes: { broker: kafka, delivery: exactly-once }
              ledger-events-dlq: { broker: kafka }
            """),
        ]
    )

    /// Milliseconds at 50 000 services (see `Rule.weight`).
    public static let weight = 5

    public func check(_ context: RuleContext) -> [Finding] {
        // Messages are made as the report reads them (see `MessageSource`).
        let messages = MessageSource { subject in
            let channel = context.topology.channels[context.consumer(subject).channel].name
            return "\(context.name(of: subject.first)) consumes \(channel), which delivers at least once, but is not marked idempotent; a message redelivered after a crash or a rebalance is processed again — deduplicate on a message id or make the effect idempotent, then set 'idempotent: true'"
        }
        return context.findingsOnConsumers(source: messages) { _, consumer in
            !consumer.idempotent && context.topology.channels[consumer.channel].delivery == .atLeastOnce
        }
    }
}
