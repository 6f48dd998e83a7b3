import FaultlineModel
import FaultlineYAML
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Where a report goes: a file descriptor, written in large chunks as the
/// report is produced so a big report is never held whole in memory; or,
/// without a descriptor, memory (for `render` and tests).
public final class OutputSink {
    private var buffer: [UInt8] = []
    private let descriptor: Int32?
    /// The first write error, as text; later writes are skipped.
    public private(set) var failure: String?

    static let chunk = 1 << 20

    public init(descriptor: Int32) {
        self.descriptor = descriptor
        buffer.reserveCapacity(OutputSink.chunk + 4096)
    }

    public init() { descriptor = nil }

    public func write(_ text: String) {
        var text = text
        text.withUTF8 { buffer.append(contentsOf: $0) }
        flushIfFull()
    }

    public func write(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        flushIfFull()
    }

    /// Large pieces (a rendered part of the findings, hundreds of kilobytes)
    /// go to the descriptor as they are, after what is buffered: copying them
    /// into the buffer first was a second pass over the whole report, on the
    /// one thread that writes while the others wait.
    func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        if descriptor != nil, bytes.count >= OutputSink.writtenDirectly {
            flush()
            send(UnsafeRawBufferPointer(bytes))
            return
        }
        buffer.append(contentsOf: bytes)
        flushIfFull()
    }

    static let writtenDirectly = 64 << 10

    private func flushIfFull() {
        if descriptor != nil, buffer.count >= OutputSink.chunk { flush() }
    }

    /// Writes what is buffered; with no descriptor, does nothing (the text stays collected).
    public func flush() {
        guard descriptor != nil else { return }
        buffer.withUnsafeBytes { send($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func send(_ bytes: UnsafeRawBufferPointer) {
        guard let descriptor, failure == nil, let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, base + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                failure = String(cString: strerror(errno))
                return
            }
            offset += written
        }
    }

    /// What a memory sink collected.
    public var text: String { String(decoding: buffer, as: UTF8.self) }
}

extension ByteBuffer {
    /// A string's UTF-8, borrowed in place where it can be (`String.withUTF8InPlace`).
    mutating func append(utf8Of text: String) {
        text.withUTF8InPlace { append($0) }
    }

    /// `file:line:column`, as `SourceLocation.description` spells it.
    mutating func append(_ location: SourceLocation) {
        location.withFileUTF8 { append($0) }
        appendLineAndColumn(of: location)
    }

    /// `:line:column`.
    mutating func appendLineAndColumn(of location: SourceLocation) {
        append(UInt8(ascii: ":"))
        DecimalText.withText(of: Int64(location.line)) { append($0) }
        append(UInt8(ascii: ":"))
        DecimalText.withText(of: Int64(location.column)) { append($0) }
    }
}

extension OutputSink {
    /// A report's lines, put together in `buffer`, go out in pieces of at
    /// least `threshold` bytes (the rest at the end, with no threshold).
    func drain(_ buffer: inout ByteBuffer, atLeast threshold: Int = 0) {
        guard buffer.count >= threshold, !buffer.isEmpty else { return }
        buffer.withBytes { write($0) }
        buffer.removeAll()
    }
}
