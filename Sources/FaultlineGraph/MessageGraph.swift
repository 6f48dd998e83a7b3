public import FaultlineModel

/// The asynchronous side of the system and its shared state: who publishes to
/// and consumes from each channel, which channels serve as dead-letter
/// queues, and who reads and writes each datastore. Asynchronous edges end a
/// request path, so they are kept apart from the sync graph.
public struct MessageGraph: Sendable {
    /// Per channel, the services that publish to it, in file order, each once.
    public let publishers: [[ServiceID]]
    /// Per channel, the services that consume it, in file order, each once.
    public let consumers: [[ServiceID]]
    /// Per channel, whether some consumer's or channel's `dlq:` names it.
    public let isDeadLetterQueue: [Bool]
    /// Per datastore, the services with `read-write` access, in file order.
    public let writers: [[ServiceID]]
    /// Per datastore, the services with `read` access, in file order.
    public let readers: [[ServiceID]]

    public init(_ topology: Topology) {
        let channelCount = topology.channels.count, datastoreCount = topology.datastores.count
        var publishers = Array(repeating: [ServiceID](), count: channelCount)
        var consumers = Array(repeating: [ServiceID](), count: channelCount)
        var isDeadLetterQueue = Array(repeating: false, count: channelCount)
        var writers = Array(repeating: [ServiceID](), count: datastoreCount)
        var readers = Array(repeating: [ServiceID](), count: datastoreCount)
        // Services are read in place, never copied: a copy retains every field.
        for id in topology.services.indices {
            for channel in topology.services[id].publishes where publishers[channel].last != id { publishers[channel].append(id) }
            for consumer in topology.services[id].consumes {
                if consumers[consumer.channel].last != id { consumers[consumer.channel].append(id) }
                if let dlq = consumer.dlq { isDeadLetterQueue[dlq] = true }
            }
            for use in topology.services[id].datastores {
                switch use.access {
                case .readWrite: writers[use.datastore].append(id)
                case .read: readers[use.datastore].append(id)
                }
            }
        }
        for channel in topology.channels {
            if let dlq = channel.dlq { isDeadLetterQueue[dlq] = true }
        }
        self.publishers = publishers
        self.consumers = consumers
        self.isDeadLetterQueue = isDeadLetterQueue
        self.writers = writers
        self.readers = readers
    }
}
