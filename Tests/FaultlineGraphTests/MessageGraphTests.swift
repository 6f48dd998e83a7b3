import FaultlineGraph
import FaultlineModel
import Testing

@Suite("Message graph")
struct MessageGraphTests {
    static let topology = """
    faultline: 1
    services:
      orders:
        publishes: [order-events, order-events]
        datastores: [orders-db, { name: reports-db, access: read }]
      billing:
        publishes: [order-events]
        consumes:
          - { from: payment-events, dlq: payment-dlq }
          - { from: payment-events }
        datastores: [{ name: orders-db, access: read-write }]
      emailer:
        consumes:
          - { from: order-events }
      reporting:
        datastores: [{ name: reports-db, access: read-write }]
    channels:
      order-events: { dlq: order-dlq }
      payment-events: {}
      order-dlq: {}
      payment-dlq: {}
    datastores:
      orders-db: {}
      reports-db: {}
    """

    @Test func publishersAndConsumersPerChannelEachOnceInFileOrder() throws {
        let messages = GraphAnalysis(try loadTopology(Self.topology)).messages
        #expect(messages.publishers == [[0, 1], [], [], []])
        #expect(messages.consumers == [[2], [1], [], []])
    }

    @Test func deadLetterQueuesNamedByConsumersOrChannels() throws {
        let messages = GraphAnalysis(try loadTopology(Self.topology)).messages
        #expect(messages.isDeadLetterQueue == [false, false, true, true])
    }

    @Test func datastoreWritersAndReaders() throws {
        let messages = GraphAnalysis(try loadTopology(Self.topology)).messages
        #expect(messages.writers == [[0, 1], [3]])
        #expect(messages.readers == [[], [0]])
    }
}
