import FaultlineYAML
import FaultlineModel

/// Writes imported facts as a native topology: sorted, so the same input
/// always gives the same bytes, with a `# from FILE:LINE WHY` comment on
/// every line that states a fact, and a map from each such line to the
/// place in the source the fact came from.
struct TopologyRenderer {
    let source: ImportSource
    let fileCount: Int

    private struct Line {
        var text: String
        var origin: Origin?
        /// Written without a comment (the line belongs to a fact commented above).
        var quiet = false
        /// Where the line maps to when that is not `origin` (a call governed by an Istio route).
        var mapsTo: SourceLocation?
        /// More comment text after the origin.
        var extra = ""
    }

    func render(_ system: ImportedSystem) -> (text: String, origins: [Int: SourceLocation]) {
        var lines: [Line] = []
        func add(_ text: String, _ origin: Origin?, quiet: Bool = false) { lines.append(Line(text: text, origin: origin, quiet: quiet)) }

        let files = fileCount == 1 ? "1 file" : "\(fileCount) files"
        add("# Imported by `faultline import \(source.rawValue)` from \(files). Each inferred fact says", nil)
        add("# where it came from; review the topology, then commit it and refine it by hand.", nil)
        add("faultline: 1", nil)
        if let name = system.system {
            add("system: \(Self.scalar(name.value))", name.origin)
        }
        add("", nil)
        add("services:", nil)
        for service in system.sortedServices {
            add("  \(Self.name(service.name)):", service.origin)
            if let entrypoint = service.entrypoint { add("    entrypoint: true", entrypoint) }
            if let owner = service.owner { add("    owner: \(Self.scalar(owner.value))", owner.origin) }
            if let tracing = service.tracing { add("    tracing: \(tracing.value)", tracing.origin) }
            if service.external { add("    external: true", service.origin, quiet: true) }
            for fact in service.extensions { add("    \(fact.key): \(fact.value)", fact.origin) }
            if !service.calls.isEmpty, !service.external {
                add("    calls:", service.origin, quiet: true)
                for call in service.calls {
                    // The `to:` line is where call findings sit: it maps to the rule that governs the call.
                    add("      - to: \(Self.name(call.target))", call.origin)
                    if let governedBy = call.governedBy, governedBy != call.origin {
                        // Both places matter to the reader: what created the call, and what
                        // governs it, where a missing timeout or retry policy is fixed.
                        lines[lines.count - 1].mapsTo = governedBy.location
                        lines[lines.count - 1].extra = "; policy: \(Self.short(governedBy.location)) \(governedBy.why)"
                    }
                    if let via = call.via { add("        via: \(via.value.rawValue)", via.origin) }
                    if let timeout = call.timeout { add("        timeout: \(timeout.value.map(\.description) ?? "none")", timeout.origin) }
                    if let retry = call.retry { add("        retry: \(Self.retry(retry.value))", retry.origin) }
                    if let breaker = call.circuitBreaker { add("        circuit_breaker: \(Self.breaker(breaker.value))", breaker.origin) }
                    for fact in call.extensions { add("        \(fact.key): \(fact.value)", fact.origin) }
                }
            }
            if !service.publishes.isEmpty {
                add("    publishes:", service.origin, quiet: true)
                for use in service.publishes { add("      - \(Self.name(use.channel))", use.origin) }
            }
            if !service.consumes.isEmpty {
                add("    consumes:", service.origin, quiet: true)
                for use in service.consumes { add("      - from: \(Self.name(use.channel))", use.origin) }
            }
            if !service.datastores.isEmpty {
                add("    datastores:", service.origin, quiet: true)
                for use in service.datastores {
                    add("      - name: \(Self.name(use.datastore))", use.origin)
                    add("        access: \(use.access.rawValue)", use.origin, quiet: true)
                }
            }
        }
        let channels = system.sortedChannels
        if !channels.isEmpty {
            add("", nil)
            add("channels:", nil)
            for channel in channels {
                if channel.broker == nil, channel.delivery == nil {
                    add("  \(Self.name(channel.name)): {}", channel.origin)
                    continue
                }
                add("  \(Self.name(channel.name)):", channel.origin)
                if let broker = channel.broker { add("    broker: \(broker.value.rawValue)", broker.origin) }
                if let delivery = channel.delivery { add("    delivery: \(delivery.value.rawValue)", delivery.origin) }
            }
        }
        let datastores = system.sortedDatastores
        if !datastores.isEmpty {
            add("", nil)
            add("datastores:", nil)
            for datastore in datastores {
                if let kind = datastore.kind {
                    add("  \(Self.name(datastore.name)):", datastore.origin)
                    add("    kind: \(Self.scalar(kind.value))", kind.origin)
                } else {
                    add("  \(Self.name(datastore.name)): {}", datastore.origin)
                }
            }
        }

        // Comments start in one column, so the facts read as a table.
        let widest = lines.filter { $0.origin != nil && !$0.quiet }.map(\.text.count).max() ?? 0
        let column = min(widest, 56) + 2
        var text = ""
        var origins: [Int: SourceLocation] = [:]
        for (index, line) in lines.enumerated() {
            text += line.text
            if let origin = line.origin {
                origins[index + 1] = line.mapsTo ?? origin.location
                if !line.quiet {
                    text += String(repeating: " ", count: max(1, column - line.text.count))
                    text += "# from \(Self.short(origin.location)) \(Self.commentSafe(origin.why + line.extra))"
                }
            }
            text += "\n"
        }
        return (text, origins)
    }

    static func short(_ location: SourceLocation) -> String {
        "\(commentSafe(location.file)):\(location.line)"
    }

    static func retry(_ fact: RetryFact) -> String {
        switch fact {
        case .none:
            return "none"
        case .policy(let attempts, let backoff, let base, let max, let jitter):
            var parts = ["max_attempts: \(attempts)"]
            if backoff != .none { parts.append("backoff: \(backoff.rawValue)") }
            if let base { parts.append("base: \(base)") }
            if let max { parts.append("max: \(max)") }
            if jitter { parts.append("jitter: true") }
            return "{ " + parts.joined(separator: ", ") + " }"
        }
    }

    static func breaker(_ fact: CircuitBreakerFact) -> String {
        var parts: [String] = []
        if let threshold = fact.failureThreshold { parts.append("failure_threshold: \(threshold)") }
        if let openFor = fact.openFor { parts.append("open_for: \(openFor)") }
        return parts.isEmpty ? "true" : "{ " + parts.joined(separator: ", ") + " }"
    }

    /// A name as a YAML key or value: plain, except for the words YAML reads as null.
    static func name(_ text: String) -> String {
        ["null", "Null", "NULL"].contains(text) ? "\"\(text)\"" : text
    }

    /// Free text as a YAML scalar: plain when that reads back as the same
    /// string, double-quoted with escapes otherwise.
    static func scalar(_ text: String) -> String {
        let special: Set<String> = ["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", ""]
        let plainSafe = !text.isEmpty
            && !special.contains(text.lowercased())
            && Double(text) == nil && Int(text) == nil
            && text.unicodeScalars.allSatisfy { scalar in
                switch scalar {
                case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".", "/", "@", " ", "+", "(", ")": return true
                default: return false
                }
            }
            && text.first.map { $0.isLetter || $0.isNumber } == true
            && text.last != " "
        if plainSafe { return text }
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\t": quoted += "\\t"
            default:
                if scalar.properties.generalCategory == .control {
                    quoted += "\\u" + String(repeating: "0", count: 4 - min(4, String(scalar.value, radix: 16).count)) + String(scalar.value, radix: 16)
                } else {
                    quoted.unicodeScalars.append(scalar)
                }
            }
        }
        return quoted + "\""
    }

    /// A value inside a flow mapping: numbers and durations plain, other text as `scalar` writes it.
    static func flowValue(_ text: String) -> String {
        if Int(text) != nil || Double(text) != nil || GoDuration.parse(text) != nil && text.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." }) {
            return text
        }
        return scalar(text)
    }

    /// Comment text that stays one comment: no line breaks or control
    /// characters, and never a suppression marker.
    static func commentSafe(_ text: String) -> String {
        // The usual case: printable ASCII without the marker.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }), !text.contains("faultline:ignore") { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            result.unicodeScalars.append(scalar.properties.generalCategory == .control ? "?" : scalar)
        }
        return result.replacing("faultline:ignore", with: "faultline-ignore")
    }
}
