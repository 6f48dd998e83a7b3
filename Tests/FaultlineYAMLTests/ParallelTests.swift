@testable import FaultlineYAML
import Dispatch
import Testing
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

@Suite("Work side by side")
struct ParallelTests {
    @Test("concurrentMap returns the results in index order", arguments: [0, 1, 2, 7, 100])
    func concurrentMapOrder(_ count: Int) {
        #expect(concurrentMap(count) { $0 * $0 } == (0..<count).map { $0 * $0 })
    }

    /// Tells which thread freed it.
    final class Probe: @unchecked Sendable {
        let freed: DispatchSemaphore
        let freedOnCaller: UnsafeMutablePointer<Bool>
        let caller = pthread_self()

        init(freed: DispatchSemaphore, freedOnCaller: UnsafeMutablePointer<Bool>) {
            self.freed = freed
            self.freedOnCaller = freedOnCaller
        }

        deinit {
            freedOnCaller.pointee = pthread_equal(pthread_self(), caller) != 0
            freed.signal()
        }
    }

    @Test("two threads taking chunks from both ends cover every index once", arguments: [0, 1, 63, 64, 65, 1_000])
    func twoEndedChunks(count: Int) {
        let chunks = TwoEndedChunks(count: count, size: 64)
        let taken = concurrentMap(2) { side -> [Int] in
            var indices: [Int] = []
            while let chunk = chunks.take(fromStart: side == 0) { indices.append(contentsOf: chunk) }
            return indices
        }
        #expect((taken[0] + taken[1]).sorted() == Array(0..<count))
        #expect(taken[0] == taken[0].sorted() && taken[0].first.map { $0 == 0 } ?? true)
    }

    @Test("releaseInBackground frees the value on another thread, whichever runs first")
    func releasedByAWorker() {
        let freedOnCaller = UnsafeMutablePointer<Bool>.allocate(capacity: 1)
        defer { freedOnCaller.deallocate() }
        for _ in 0..<50 {
            freedOnCaller.pointee = true
            let freed = DispatchSemaphore(value: 0)
            releaseInBackground(Probe(freed: freed, freedOnCaller: freedOnCaller))
            #expect(freed.wait(timeout: .now() + 10) == .success)
            #expect(!freedOnCaller.pointee)
        }
    }
}
