import FaultlineModel
import FaultlineGraph

extension RuleContext {
    /// "payments 3 × 2s + 300ms backoff" — how one call's worst case is made.
    func worstCaseText(of callID: CallID) -> String {
        let call = topology.calls[callID]
        guard let timeout = call.timeout else { return Message("\(targetLabel(call)) (no timeout)").text }
        let attempts = call.retry.maxAttempts
        var backoff = Duration.zero
        if case .policy(let policy) = call.retry { backoff = policy.totalBackoff }
        let text: Message = switch (attempts > 1, backoff > .zero) {
        case (true, true): "\(targetLabel(call)) \(attempts) × \(timeout) + \(backoff) backoff"
        case (true, false): "\(targetLabel(call)) \(attempts) × \(timeout)"
        case (false, true): "\(targetLabel(call)) \(timeout) + \(backoff) backoff"
        case (false, false): "\(targetLabel(call)) \(timeout)"
        }
        if call.perRequest > 1 && !call.parallel { return Message("(\(text.text)) × \(call.perRequest) per request").text }
        return text.text
    }

    /// How one request to a node adds up, largest parts first, e.g.
    /// "payments 3 × 2s + 300ms backoff + fraud 500ms".
    func worstCaseBreakdown(of node: Int) -> String {
        let parts = WorstCaseTimes.breakdown(of: analysis.requests.calls(of: node), in: topology)
        // Largest share first; each call's share computed once, not per comparison.
        let shares = parts.sequential.map { (call: $0, share: (topology.calls[$0].worstCase ?? .zero) * topology.calls[$0].perRequest) }
        var pieces = shares.enumerated()
            .sorted { $0.element.share != $1.element.share ? $0.element.share > $1.element.share : $0.offset < $1.offset }
            .map { (call: $0.element.call, parallel: false) }
        if let parallel = parts.slowestParallel { pieces.append((parallel, true)) }
        // Only the three largest are spelled out.
        let shown = pieces.prefix(3).map { piece in
            piece.parallel ? Message("the slowest parallel call, \(worstCaseText(of: piece.call))").text : worstCaseText(of: piece.call)
        }.joined(separator: " + ")
        return pieces.count > 3 ? Message("\(shown) + \(pieces.count - 3) more").text : shown
    }
}
