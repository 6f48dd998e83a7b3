import FaultlineModel
import FaultlineGraph

extension RuleContext {
    /// Writes how one call's worst case is made, "payments 3 × 2s + 300ms
    /// backoff", into a message being built: the breakdown of a node has
    /// several, and tens of thousands of nodes have one.
    func appendWorstCaseText(of callID: CallID, to text: inout Message.Interpolation) {
        let call = topology.calls[callID]
        let label = targetLabel(call)
        guard let timeout = call.timeout else {
            text.appendInterpolation(label)
            text.appendLiteral(" (no timeout)")
            return
        }
        let attempts = call.retry.maxAttempts
        var backoff = Duration.zero
        if case .policy(let policy) = call.retry { backoff = policy.totalBackoff }
        let perRequest = call.perRequest > 1 && !call.parallel
        if perRequest { text.appendLiteral("(") }
        text.appendInterpolation(label)
        text.appendLiteral(" ")
        if attempts > 1 {
            text.appendInterpolation(attempts)
            text.appendLiteral(" × ")
        }
        text.appendInterpolation(timeout)
        if backoff > .zero {
            text.appendLiteral(" + ")
            text.appendInterpolation(backoff)
            text.appendLiteral(" backoff")
        }
        if perRequest {
            text.appendLiteral(") × ")
            text.appendInterpolation(call.perRequest)
            text.appendLiteral(" per request")
        }
    }

    /// How one request to a node adds up, largest parts first, e.g.
    /// "payments 3 × 2s + 300ms backoff + fraud 500ms": the three largest
    /// sequential calls (by share, then declaration order), the slowest
    /// parallel call after them when fewer than three are sequential, and how
    /// many more there are. Only the pieces shown are spelled out.
    func worstCaseBreakdown(of node: Int) -> Message {
        let perCall = analysis.worstCaseTimes.perCall
        var sequentialCount = 0
        var slowestParallel: (call: CallID, time: Duration)?
        var text = Message.Interpolation(literalCapacity: 160, interpolationCount: 8)
        // The three largest, kept on the stack: tens of thousands of
        // breakdowns are made, and an array for each was an allocation.
        let shownLargest = withUnsafeTemporaryAllocation(of: (share: Duration, call: CallID).self, capacity: 3) { largest in
            var count = 0
            for slot in analysis.requests.callSlots(of: node) {
                let callID = analysis.requests.nodeCalls[slot]
                guard let worst = perCall[callID] else { continue }
                if topology.calls[callID].parallel {
                    if slowestParallel.map({ worst > $0.time }) ?? true { slowestParallel = (callID, worst) }
                    continue
                }
                sequentialCount += 1
                let share = worst * topology.calls[callID].perRequest
                // Earlier calls win ties, so a later one must be strictly larger to move up.
                var position = count
                while position > 0, share > largest[position - 1].share { position -= 1 }
                guard position < 3 else { continue }
                var index = min(count, 2)
                while index > position {
                    largest[index] = largest[index - 1]
                    index -= 1
                }
                largest[position] = (share, callID)
                count = min(count + 1, 3)
            }
            for index in 0..<count {
                if index > 0 { text.appendLiteral(" + ") }
                appendWorstCaseText(of: largest[index].call, to: &text)
            }
            return count
        }
        var shown = shownLargest
        if let slowestParallel, shown < 3 {
            if shown > 0 { text.appendLiteral(" + ") }
            text.appendLiteral("the slowest parallel call, ")
            appendWorstCaseText(of: slowestParallel.call, to: &text)
            shown += 1
        }
        let total = sequentialCount + (slowestParallel == nil ? 0 : 1)
        if total > shown {
            text.appendLiteral(" + ")
            text.appendInterpolation(total - shown)
            text.appendLiteral(" more")
        }
        return Message(stringInterpolation: text)
    }
}
