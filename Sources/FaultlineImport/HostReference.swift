/// A host named in a configuration value: `cart:7070`, `http://cart/api`,
/// `postgres://user:secret@db:5432/orders`, `jdbc:mysql://db/app`,
/// `dns:///checkout:5050`, `kafka-0:9092,kafka-1:9092`, or a bare `cart`
/// when the variable's name says it holds a host.
struct HostReference: Equatable, Sendable {
    /// Lowercased: DNS names are case-insensitive.
    var host: String
    var port: Int?
    /// Lowercased URL scheme, when there was one.
    var scheme: String?
    var path: String?
}

enum HostReferences {
    /// Variable name endings that say a bare value (`cart`, no port, no
    /// scheme) is a host name. Without one, `MODE=cart` is not a call.
    static let hostSuffixes = ["_HOST", "_HOSTNAME", "_HOSTS", "_ADDR", "_ADDRESS", "_ADDRS", "_URL", "_URI", "_URLS",
                               "_SERVICE", "_SERVER", "_SERVERS", "_ENDPOINT", "_ENDPOINTS", "_BACKEND", "_UPSTREAM",
                               "_BROKER", "_BROKERS", "_NODES", "_DSN", "_TARGET"]

    static func bareHostAllowed(variable: String) -> Bool {
        let name = variable.uppercased()
        return hostSuffixes.contains { name.hasSuffix($0) } || ["HOST", "HOSTNAME", "ADDR", "ADDRESS", "URL", "URI", "SERVER", "ENDPOINT", "UPSTREAM", "BACKEND"].contains(name)
    }

    /// Every host the value names; empty when it names none.
    static func extract(variable: String, value: String) -> [HostReference] {
        let trimmed = value.trimmingSpaces()
        guard !trimmed.isEmpty, trimmed.utf8.count <= 4096 else { return [] }
        var references: [HostReference] = []
        // A list of endpoints: `kafka-0:9092,kafka-1:9092`, or separated by spaces or semicolons.
        // A URL's authority may hold a comma list itself; URLs are split after parsing.
        for token in splitTokens(trimmed) {
            references += parse(token, variable: variable)
        }
        var seen = Set<String>()
        return references.filter { seen.insert("\($0.host):\($0.port ?? 0)").inserted }
    }

    private static func splitTokens(_ text: String) -> [String] {
        // Split on separators outside a URL's authority: a comma inside `scheme://a,b/` stays.
        var tokens: [String] = []
        var current = ""
        var inAuthority = false
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if !inAuthority, character == ":", index + 2 < characters.count, characters[index + 1] == "/", characters[index + 2] == "/" {
                current += "://"
                index += 3
                inAuthority = true
                continue
            }
            if inAuthority, character == "/" || character == "?" || character == "#" { inAuthority = false }
            let separator = character == " " || character == "\t" || character == ";" || (character == "," && !inAuthority)
            if separator {
                if !current.isEmpty { tokens.append(current) }
                current = ""
                inAuthority = false
            } else {
                current.append(character)
            }
            index += 1
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    private static func parse(_ token: String, variable: String) -> [HostReference] {
        var text = Substring(token)
        // `jdbc:postgresql://db:5432/app`: the JDBC prefix wraps a URL.
        if text.lowercased().hasPrefix("jdbc:") { text = text.dropFirst(5) }
        if let schemeEnd = text.firstRange(of: "://"), isScheme(text[..<schemeEnd.lowerBound]) {
            let scheme = text[..<schemeEnd.lowerBound].lowercased()
            var rest = text[schemeEnd.upperBound...]
            let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
            var authority = rest[..<authorityEnd]
            let path = rest[authorityEnd...]
            if authority.isEmpty {
                // gRPC targets: `dns:///checkout:5050`, `xds:///cart`.
                rest = path.drop { $0 == "/" }
                let end = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
                return hostPorts(rest[..<end]).map { HostReference(host: $0.host, port: $0.port, scheme: scheme, path: nil) }
            }
            if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
            let pathText = path.isEmpty ? nil : String(path.prefix { $0 != "?" && $0 != "#" })
            return authority.split(separator: ",").flatMap { hostPorts($0) }
                .map { HostReference(host: $0.host, port: $0.port, scheme: scheme, path: pathText) }
        }
        // `host:port`, `host:port/path`.
        if let colon = text.firstIndex(of: ":") {
            let afterColon = text[text.index(after: colon)...]
            let portText = afterColon.prefix { $0.isASCII && $0.isNumber }
            let rest = afterColon.dropFirst(portText.count)
            guard !portText.isEmpty, rest.isEmpty || rest.first == "/",
                  let port = Int(portText), (1...65535).contains(port),
                  let host = validHost(text[..<colon]) else { return [] }
            return [HostReference(host: host, port: port, scheme: nil, path: rest.isEmpty ? nil : String(rest))]
        }
        // A bare name, only where the variable's name says it is a host.
        guard bareHostAllowed(variable: variable), let host = validHost(text) else { return [] }
        return [HostReference(host: host, port: nil, scheme: nil, path: nil)]
    }

    private static func isScheme(_ text: Substring) -> Bool {
        guard let first = text.first, first.isASCII, first.isLetter else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }
    }

    private static func hostPorts(_ authority: Substring) -> [(host: String, port: Int?)] {
        var text = authority
        var port: Int?
        if text.hasPrefix("[") { return [] } // IPv6 literal: an address, not a name
        if let colon = text.lastIndex(of: ":") {
            port = Int(text[text.index(after: colon)...])
            text = text[..<colon]
        }
        guard let host = validHost(text) else { return [] }
        return [(host, port)]
    }

    /// A DNS-like name that could name a service: not an address, not localhost.
    static func validHost(_ text: Substring) -> String? {
        let host = text.lowercased()
        guard !host.isEmpty, host.count <= 253,
              host.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "." || $0 == "_" }),
              let first = host.unicodeScalars.first, first != "-", first != ".", host.last != "-" else { return nil }
        // An IPv4 address or a number is no name.
        if host.allSatisfy({ $0.isNumber || $0 == "." }) { return nil }
        if ["localhost", "localhost.localdomain", "host.docker.internal", "0.0.0.0"].contains(host) { return nil }
        return host
    }

    /// The protocol a URL scheme or path says, if any.
    static func callProtocol(scheme: String?, path: String?) -> String? {
        if let path, path.lowercased().hasSuffix("/graphql") || path.lowercased().contains("/graphql?") { return "graphql" }
        guard let scheme else { return nil }
        switch scheme {
        case "http", "https", "ws", "wss", "h2c", "http2": return "http"
        case "grpc", "grpcs", "dns", "xds", "grpc+tls": return "grpc"
        case "thrift", "thrift+tls": return "thrift"
        case "tcp", "tls": return "tcp"
        default: return nil
        }
    }
}
