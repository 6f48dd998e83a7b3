public struct UnconsumedDLQRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "unconsumed-dlq",
        name: "Unconsumed dead-letter queue",
        summary: "A channel serves as a dead-letter queue, but no service consumes it.",
        severity: .note,
        rationale: """
        A dead-letter queue is only as good as what reads it. Messages that land in a queue nobody consumes are \
        failures nobody sees — payouts never made, emails never sent — and they pile up silently until the \
        broker's retention deletes them (7 days on Kafka by default) or the queue fills. A bug that fails 1 % of \
        100 messages per second dead-letters 86 400 messages a day; the first anyone hears of it is a customer.
        """,
        triggers: """
        A channel named by some consumer's or channel's `dlq:` that no service lists under `consumes:`. One \
        finding per channel, on its key under `channels:`. Only the topology is seen: a DLQ drained by a tool \
        outside it should be declared as a consumer, or the finding suppressed with a reason.
        """,
        fix: """
        Give the DLQ a consumer: a service that alerts on new messages and lets someone inspect and replay them \
        once the cause is fixed, or parks them with the reason they failed. Alert on the DLQ's depth as well.
        """,
        triggering: [
            Example("""
            faultline: 1
            services:
              payout-worker:
                consumes:
                  - from: ledger-events
                    dlq: ledger-events-dlq
              emailer:
                consumes:
                  - from: order-events
            channels:
              ledger-events: { broker: kafka }
              order-events: { broker: rabbitmq, dlq: order-events-dlq }
              ↓ledger-events-dlq: { broker: kafka }
              ↓order-events-dlq: { broker: rabbitmq }
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
              dlq-replayer:
                consumes:
                  - from: ledger-events-dlq
                    dlq: ledger-events-dlq
            channels:
              ledger-events: { broker: kafka }
              ledger-events-dlq: { broker: kafka }
              audit-log: { broker: kafka }
            """),
        ]
    )

    /// Milliseconds at 50 000 services (see `Rule.weight`).
    public static let weight = 9

    public func check(_ context: RuleContext) -> [Finding] {
        let topology = context.topology, messages = context.analysis.messages
        // Who sends failed messages to each channel, in file order: consumers, then channels.
        // Only for the queues reported: most dead-letter queues are consumed.
        let reported = topology.channels.indices.map { messages.isDeadLetterQueue[$0] && messages.consumers[$0].isEmpty }
        guard reported.contains(true) else { return [] }
        var senders = Array(repeating: [String](), count: topology.channels.count)
        struct Sender: Hashable { let queue, service, channel: Int }
        var seen = Set<Sender>()
        for id in topology.services.indices {
            for consumer in topology.services[id].consumes {
                // A service that consumes a channel twice is one sender; found in a set, as a queue may have thousands.
                if let dlq = consumer.dlq, reported[dlq], seen.insert(Sender(queue: dlq, service: id, channel: consumer.channel)).inserted {
                    senders[dlq].append("\(topology.services[id].name) (consuming \(topology.channels[consumer.channel].name))")
                }
            }
        }
        for channel in topology.channels {
            if let dlq = channel.dlq, reported[dlq] { senders[dlq].append("the consumers of channel \(channel.name)") }
        }
        var findings: [Finding] = []
        for (id, channel) in topology.channels.enumerated() where reported[id] {
            findings.append(context.finding(
                "channel \(channel.name) is the dead-letter queue for \(Self.list(senders[id])), but no service consumes it; failed messages pile up unseen until retention deletes them — add a consumer that alerts on them and can replay them",
                at: channel.location, channel: channel.name))
        }
        return findings
    }

    /// "a", "a and b", "a, b and c".
    private static func list(_ items: [String]) -> String {
        guard items.count > 1, let last = items.last else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + last
    }
}
