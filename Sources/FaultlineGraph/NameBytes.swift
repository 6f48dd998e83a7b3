public import FaultlineModel

/// The names of the services and of their operations as UTF-8, one after
/// another in one buffer, for messages. A service's `String` name is one
/// object shared by every finding and message about it, made on both cores
/// at once, and reading it writes its reference count; a name read here is
/// a pointer and a length into memory nothing writes after it is made.
///
/// Raw memory in a plain value, so that reading it touches no reference
/// count at all (a class here was one count written by every message on
/// both cores); the analysis that holds it frees it (`deallocate`).
public struct NameBytes: @unchecked Sendable {
    private let bytes: UnsafeMutableBufferPointer<UInt8>
    /// Name `i` is `bytes[starts[i] ..< starts[i + 1]]`: the services in
    /// order, then each service's operations in order.
    private let starts: UnsafeMutableBufferPointer<Int>
    /// The number of service `s`'s first operation among the names.
    private let firstOperation: UnsafeMutableBufferPointer<Int>

    public init(_ topology: Topology) {
        let services = topology.services
        var operationCount = 0, byteCount = 0
        for id in services.indices {
            byteCount += services[id].name.utf8.count
            for operation in services[id].operations.indices { byteCount += services[id].operations[operation].name.utf8.count }
            operationCount += services[id].operations.count
        }
        bytes = .allocate(capacity: max(byteCount, 1))
        starts = .allocate(capacity: services.count + operationCount + 1)
        firstOperation = .allocate(capacity: max(services.count, 1))
        var written = 0, name = 0
        func add(_ text: String) {
            starts[name] = written
            for byte in text.utf8 {
                bytes[written] = byte
                written += 1
            }
            name += 1
        }
        for id in services.indices { add(services[id].name) }
        for id in services.indices {
            firstOperation[id] = name
            for operation in services[id].operations.indices { add(services[id].operations[operation].name) }
        }
        starts[name] = written
    }

    /// Called once, by the owner, when nothing reads the names any more.
    func deallocate() {
        bytes.deallocate()
        starts.deallocate()
        firstOperation.deallocate()
    }

    /// Service `id`'s name.
    public func service(_ id: ServiceID) -> NameText { text(id) }

    /// The name of operation `index` of service `id`.
    public func operation(_ index: Int, of id: ServiceID) -> NameText { text(firstOperation[id] + index) }

    private func text(_ name: Int) -> NameText {
        let start = starts[name]
        return NameText(bytes: UnsafeBufferPointer(rebasing: bytes[start..<starts[name + 1]]))
    }
}

/// A name's UTF-8 in a `NameBytes`: valid while that table lives (the
/// analysis that holds it), for writing into a message.
public struct NameText: @unchecked Sendable {
    public let bytes: UnsafeBufferPointer<UInt8>

    public var text: String { String(decoding: bytes, as: UTF8.self) }
}
