import Foundation

/// A file's bytes, read with the C library: Foundation's `Data(contentsOf:)`
/// leaks a buffer per call on Linux, which would drown a LeakSanitizer run.
public func readFileBytes(_ path: String) throws -> [UInt8] {
    guard let file = fopen(path, "rb") else { throw CocoaError(.fileReadNoSuchFile) }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = fread(&buffer, 1, buffer.count, file)
        if count == 0 { break }
        bytes.append(contentsOf: buffer[0..<count])
    }
    return bytes
}

/// A file holding `bytes` in the temporary directory, opened with `flags`
/// for as long as `body` runs (which gets its descriptor), then closed and removed.
public func withTemporaryFile<T>(_ bytes: [UInt8], flags: Int32 = O_RDONLY, _ body: (Int32) throws -> T) throws -> T {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-\(UUID().uuidString).yaml").path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let descriptor = open(path, flags)
    guard descriptor >= 0 else { throw CocoaError(.fileReadNoSuchFile) }
    defer { close(descriptor) }
    return try body(descriptor)
}

/// A small deterministic generator (SplitMix64): random inputs are the same on every run.
public struct SplitMix64: RandomNumberGenerator {
    public var state: UInt64

    public init(state: UInt64) { self.state = state }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
