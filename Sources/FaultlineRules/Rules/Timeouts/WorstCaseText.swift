import FaultlineModel
import FaultlineGraph

extension RuleContext {
    /// "payments 3 × 2s + 300ms backoff" — how one call's worst case is made.
    func worstCaseText(of callID: CallID) -> String {
        let call = topology.calls[callID]
        guard let timeout = call.timeout else { return "\(targetLabel(call)) (no timeout)" }
        var text = targetLabel(call) + " "
        let attempts = call.retry.maxAttempts
        text += attempts > 1 ? "\(attempts) × \(timeout)" : "\(timeout)"
        if case .policy(let policy) = call.retry, policy.totalBackoff > .zero { text += " + \(policy.totalBackoff) backoff" }
        if call.perRequest > 1 && !call.parallel { text = "(\(text)) × \(call.perRequest) per request" }
        return text
    }

    /// How one request to a node adds up, largest parts first, e.g.
    /// "payments 3 × 2s + 300ms backoff + fraud 500ms".
    func worstCaseBreakdown(of node: Int) -> String {
        let parts = WorstCaseTimes.breakdown(of: analysis.requests.calls(of: node), in: topology)
        // Largest share first; each call's share computed once, not per comparison.
        let shares = parts.sequential.map { (call: $0, share: (topology.calls[$0].worstCase ?? .zero) * topology.calls[$0].perRequest) }
        var pieces = shares.enumerated()
            .sorted { $0.element.share != $1.element.share ? $0.element.share > $1.element.share : $0.offset < $1.offset }
            .map { worstCaseText(of: $0.element.call) }
        if let parallel = parts.slowestParallel { pieces.append("the slowest parallel call, \(worstCaseText(of: parallel))") }
        let shown = pieces.prefix(3).joined(separator: " + ")
        return pieces.count > 3 ? shown + " + \(pieces.count - 3) more" : shown
    }
}
