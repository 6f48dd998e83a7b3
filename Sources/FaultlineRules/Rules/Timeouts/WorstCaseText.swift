import FaultlineModel
import FaultlineGraph

extension RuleContext {
    /// "payments 3 × 2s + 300ms backoff" — how one call's worst case is made.
    func worstCaseText(of callID: CallID) -> Message {
        let call = topology.calls[callID]
        guard let timeout = call.timeout else { return "\(targetLabel(call)) (no timeout)" }
        let attempts = call.retry.maxAttempts
        var backoff = Duration.zero
        if case .policy(let policy) = call.retry { backoff = policy.totalBackoff }
        let text: Message = switch (attempts > 1, backoff > .zero) {
        case (true, true): "\(targetLabel(call)) \(attempts) × \(timeout) + \(backoff) backoff"
        case (true, false): "\(targetLabel(call)) \(attempts) × \(timeout)"
        case (false, true): "\(targetLabel(call)) \(timeout) + \(backoff) backoff"
        case (false, false): "\(targetLabel(call)) \(timeout)"
        }
        if call.perRequest > 1 && !call.parallel { return "(\(text)) × \(call.perRequest) per request" }
        return text
    }

    /// How one request to a node adds up, largest parts first, e.g.
    /// "payments 3 × 2s + 300ms backoff + fraud 500ms": the three largest
    /// sequential calls (by share, then declaration order), the slowest
    /// parallel call after them when fewer than three are sequential, and how
    /// many more there are. Only the pieces shown are spelled out.
    func worstCaseBreakdown(of node: Int) -> Message {
        let perCall = analysis.worstCaseTimes.perCall
        var largest: [(share: Duration, call: CallID)] = []
        largest.reserveCapacity(4)
        var sequentialCount = 0
        var slowestParallel: (call: CallID, time: Duration)?
        for callID in analysis.requests.calls(of: node) {
            guard let worst = perCall[callID] else { continue }
            if topology.calls[callID].parallel {
                if slowestParallel.map({ worst > $0.time }) ?? true { slowestParallel = (callID, worst) }
                continue
            }
            sequentialCount += 1
            let share = worst * topology.calls[callID].perRequest
            // Earlier calls win ties, so a later one must be strictly larger to move up.
            var position = largest.count
            while position > 0, share > largest[position - 1].share { position -= 1 }
            if position < 3 {
                largest.insert((share, callID), at: position)
                if largest.count > 3 { largest.removeLast() }
            }
        }
        var pieces = largest.map { worstCaseText(of: $0.call) }
        let total = sequentialCount + (slowestParallel == nil ? 0 : 1)
        if let slowestParallel, pieces.count < 3 {
            pieces.append("the slowest parallel call, \(worstCaseText(of: slowestParallel.call))")
        }
        var shown = pieces.first ?? ""
        for piece in pieces.dropFirst() { shown = "\(shown) + \(piece)" }
        return total > pieces.count ? "\(shown) + \(total - pieces.count) more" : shown
    }
}
