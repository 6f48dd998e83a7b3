import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The cores online, read once: how many threads the work is shared among.
public enum Cores {
    public static let online = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
}

/// `body(0)`, …, `body(count - 1)` run side by side on every core, with the
/// results in index order. Each call writes only its own result, and all are
/// read after the last has finished, so `body` may share whatever it only
/// reads; it must not write anything the other calls read.
public func concurrentMap<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
    guard count > 1 else { return (0..<count).map(body) }
    return withoutActuallyEscaping(body) { body in
        let work = ParallelResults(count: count, body: body)
        DispatchQueue.concurrentPerform(iterations: count) { index in work.run(index) }
        return work.results
    }
}

/// Two different computations side by side.
public func inParallel<A, B>(_ first: () -> A, _ second: () -> B) -> (A, B) {
    let results = concurrentMap(2) { index -> Either<A, B> in index == 0 ? .first(first()) : .second(second()) }
    guard case .first(let a) = results[0], case .second(let b) = results[1] else {
        preconditionFailure("concurrentMap returns results in index order")
    }
    return (a, b)
}

private enum Either<A, B> { case first(A), second(B) }

/// One result slot per call, in raw memory: writing a class's array from
/// several threads at once is an exclusivity violation even when the
/// elements differ.
private final class ParallelResults<T>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<T?>
    private let body: (Int) -> T

    init(count: Int, body: @escaping (Int) -> T) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
        self.body = body
    }

    deinit {
        _ = slots.deinitialize()
        slots.deallocate()
    }

    func run(_ index: Int) { slots[index] = body(index) }

    var results: [T] {
        slots.map { slot in
            guard let slot else { preconditionFailure("concurrentPerform returned before every call finished") }
            return slot
        }
    }
}

/// Lets a worker free `value`: large structures made of many allocations
/// take the main thread milliseconds to free, object by object, while the
/// other core has time. The value is moved into the hand-off, so the
/// worker's is the last reference whatever runs first.
public func releaseInBackground<T>(_ value: consuming T) {
    let handoff = Handoff(value)
    DispatchQueue.global(qos: .userInitiated).async { handoff.value = nil }
}

/// Touched by the worker only, once the caller has let go of it.
private final class Handoff<T>: @unchecked Sendable {
    var value: T?
    init(_ value: consuming T) { self.value = value }
}

/// `0..<count` in chunks for two threads, one taking from the start and the
/// other from the end until they meet: each mostly reads its own half (and
/// its own twin of a document), and neither waits long for the other when a
/// core is slowed. Taken from the start only, the chunks come in order.
public final class TwoEndedChunks: Sendable {
    /// The first index not yet taken from the start, and the end of what the end has not taken.
    private let bounds: Mutex<(front: Int, back: Int)>
    private let size: Int

    public init(count: Int, size: Int) {
        bounds = Mutex((0, count))
        self.size = max(1, size)
    }

    /// The next chunk from the start (`fromStart`) or from the end; nil when none is left.
    public func take(fromStart: Bool) -> Range<Int>? {
        bounds.withLock { bounds in
            guard bounds.front < bounds.back else { return nil }
            if fromStart {
                let end = min(bounds.back, bounds.front + size)
                defer { bounds.front = end }
                return bounds.front..<end
            }
            let start = max(bounds.front, bounds.back - size)
            defer { bounds.back = start }
            return start..<bounds.back
        }
    }
}
