import FaultlineYAML
import FaultlineModel

/// Reading other tools' YAML: lookups that tolerate absence, and checks that
/// report a positioned problem when a field the importer needs has the wrong
/// shape. Every problem is collected; nothing stops at the first.
final class SourceReader {
    private(set) var diagnostics: [Diagnostic] = []
    var notes = NoteBook()

    func error(_ message: String, at node: YAMLNode) {
        diagnostics.append(Diagnostic(message, at: node.location))
    }

    func error(_ message: String, at location: SourceLocation) {
        diagnostics.append(Diagnostic(message, at: location))
    }

    func append(_ more: [Diagnostic]) { diagnostics.append(contentsOf: more) }

    /// A mapping's pairs with scalar keys; a null value reads as empty; any
    /// other kind is an error.
    func mapping(_ node: YAMLNode, what: String) -> [(key: String, keyNode: YAMLNode, value: YAMLNode)]? {
        if node.isNull { return [] }
        guard node.kind == .mapping else {
            error("\(what) must be a mapping, not \(node.kindDescription)", at: node)
            return nil
        }
        return node.entries.compactMap { pair in pair.key.scalar.map { ($0, pair.key, pair.value) } }
    }

    /// A sequence's elements; a null value reads as empty.
    func list(_ node: YAMLNode, what: String) -> [YAMLNode]? {
        if node.isNull { return [] }
        guard node.kind == .sequence else {
            error("\(what) must be a list, not \(node.kindDescription)", at: node)
            return nil
        }
        return node.elements
    }

    /// A scalar's text (numbers and booleans included, as they are written).
    func string(_ node: YAMLNode, what: String) -> String? {
        guard node.kind == .scalar, !node.isNull, let text = node.scalar else {
            error("\(what) must be a string, not \(node.kindDescription)", at: node)
            return nil
        }
        return text
    }

    /// A scalar's text, or nil (without a problem) when absent or null.
    func optionalString(_ node: YAMLNode?, what: String) -> String? {
        guard let node, !node.isNull else { return nil }
        return string(node, what: what)
    }

    /// A whole number in `range`.
    func integer(_ node: YAMLNode, what: String, in range: ClosedRange<Int>) -> Int? {
        guard node.kind == .scalar, let text = node.scalar, !text.isEmpty,
              let value = Int(text.filter { $0 != "_" }) else {
            error("\(what) must be a whole number, not \(node.kindDescription)", at: node)
            return nil
        }
        guard range.contains(value) else {
            error("\(what) must be between \(range.lowerBound) and \(range.upperBound), not \(text)", at: node)
            return nil
        }
        return value
    }

    /// A Go/protobuf duration (`1.5s`, `250ms`, `1m30s`), as Kubernetes and Istio write them.
    func duration(_ node: YAMLNode, what: String) -> Duration? {
        guard let text = string(node, what: what) else { return nil }
        guard let duration = GoDuration.parse(text) else {
            error("\(what) '\(text)' is not a duration; write a number and a unit such as 250ms, 1.5s or 1m", at: node)
            return nil
        }
        return duration
    }

    /// Booleans as YAML 1.1 and Kubernetes labels write them (`true`, `"true"`, `yes`, `enabled`).
    static func truthy(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "on", "1", "enabled", "y": return true
        case "false", "no", "off", "0", "disabled", "n": return false
        default: return nil
        }
    }
}

extension YAMLNode {
    /// The value under `key` in a mapping, or nil.
    subscript(key: String) -> YAMLNode? {
        guard kind == .mapping else { return nil }
        return entries.first { $0.key.scalar == key }?.value
    }

    /// The key node of `key` in a mapping, or nil.
    func keyNode(_ key: String) -> YAMLNode? {
        guard kind == .mapping else { return nil }
        return entries.first { $0.key.scalar == key }?.key
    }

    /// Walks a path of keys; nil as soon as one is missing.
    func path(_ keys: String...) -> YAMLNode? {
        var node: YAMLNode? = self
        for key in keys { node = node?[key] }
        return node
    }

    /// The scalar text when this is a non-null scalar.
    var text: String? { kind == .scalar && !isNull ? scalar : nil }
}

/// Go-style durations (`300ms`, `1.5s`, `2m`, `1h30m`, `0.5s`): a sequence of
/// decimal numbers each with a unit (ns, us, µs, ms, s, m, h). Held in
/// microseconds like the topology's durations; nanoseconds round up.
enum GoDuration {
    static func parse(_ text: String) -> Duration? {
        let characters = Array(text.trimmingSpaces())
        guard !characters.isEmpty else { return nil }
        if characters == ["0"] { return .zero }
        var index = 0
        var totalNanoseconds: Double = 0
        while index < characters.count {
            let numberStart = index
            while index < characters.count, characters[index].isASCII, characters[index].isNumber || characters[index] == "." { index += 1 }
            guard index > numberStart, let number = Double(String(characters[numberStart..<index])) else { return nil }
            let unitStart = index
            while index < characters.count, !(characters[index].isASCII && (characters[index].isNumber || characters[index] == ".")) { index += 1 }
            let unit = String(characters[unitStart..<index])
            let scale: Double
            switch unit {
            case "ns": scale = 1
            case "us", "µs", "μs": scale = 1_000
            case "ms": scale = 1_000_000
            case "s": scale = 1_000_000_000
            case "m": scale = 60_000_000_000
            case "h": scale = 3_600_000_000_000
            default: return nil
            }
            totalNanoseconds += number * scale
        }
        // Nothing meaningful is longer than a year; longer is a typo, as in the topology.
        guard totalNanoseconds.isFinite, totalNanoseconds <= 366 * 24 * 3_600_000_000_000 else { return nil }
        return Duration(microseconds: Int64((totalNanoseconds / 1_000).rounded(.up)))
    }
}

extension String {
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" || first == "\n" || first == "\r" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" || last == "\n" || last == "\r" { scalars.removeLast() }
        return String(scalars)
    }

    /// Whether the text is a valid topology name.
    var isTopologyName: Bool { Names.problem(in: self) == nil }

    /// The shell-like references Compose (`${…}`) and Kubernetes (`$(…)`)
    /// both write: `$$` is a literal `$`, and each `$` `open` … `close` is
    /// replaced by what `replacement` gives for the text between, or left
    /// as written, character by character, when it gives nil.
    func expandingReferences(open: Character, close: Character, _ replacement: (String) -> String?) -> String {
        var result = ""
        let characters = Array(self)
        var index = 0
        while index < characters.count {
            if characters[index] == "$", index + 1 < characters.count, characters[index + 1] == "$" {
                result.append("$"); index += 2; continue
            }
            if characters[index] == "$", index + 1 < characters.count, characters[index + 1] == open,
               let end = characters[(index + 2)...].firstIndex(of: close),
               let replaced = replacement(String(characters[(index + 2)..<end])) {
                result += replaced
                index = end + 1
                continue
            }
            result.append(characters[index])
            index += 1
        }
        return result
    }
}

/// What an import skipped or could not decide, gathered by kind of note so
/// that a thousand skipped fields make one line: "… (12 times, first at F:L:C)".
struct NoteBook {
    private var entries: [String: (count: Int, first: SourceLocation?)] = [:]

    mutating func add(_ text: String, at location: SourceLocation? = nil) {
        if var entry = entries[text] {
            entry.count += 1
            if let location, entry.first.map({ location < $0 }) ?? true { entry.first = location }
            entries[text] = entry
        } else {
            entries[text] = (1, location)
        }
    }

    mutating func add(_ text: String, at node: YAMLNode) { add(text, at: node.location) }

    /// One line per note, in text order.
    var rendered: [String] {
        entries.keys.sorted().map { text in
            let entry = entries[text] ?? (1, nil)
            var line = text
            if let first = entry.first {
                line += entry.count > 1 ? " (\(entry.count) times, first at \(first))" : " (at \(first))"
            } else if entry.count > 1 {
                line += " (\(entry.count) times)"
            }
            return line
        }
    }
}
