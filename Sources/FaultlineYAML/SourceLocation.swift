#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A 1-based position in a source file, the unit every error and finding points at.
public struct SourceLocation: Hashable, Comparable, Sendable, CustomStringConvertible {
    // The file is its number in `FileNames`, not a String: every call, key
    // and finding of a large topology carries positions, copied millions of
    // times on both cores, and a String's reference count is one shared
    // counter both cores fight over. Numbers are equal exactly when names are.
    @usableFromInline let storedFile: UInt32
    // 32 bits each (files are limited to 2 GiB).
    private let storedLine: Int32
    private let storedColumn: Int32

    public var file: String { FileNames.shared.name(of: storedFile) }
    /// A number for the file, the same for every position in it during this run.
    public var fileID: UInt32 { storedFile }
    public var line: Int { Int(storedLine) }
    public var column: Int { Int(storedColumn) }

    public init(file: String, line: Int, column: Int) {
        self.init(fileID: FileNames.shared.id(of: file), line: Int32(clamping: line), column: Int32(clamping: column))
    }

    @usableFromInline
    init(fileID: UInt32, line: Int32, column: Int32) {
        storedFile = fileID
        storedLine = line
        storedColumn = column
    }

    /// `body` with the file's name in UTF-8, read in place.
    public func withFileUTF8<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        body(FileNames.shared.utf8(of: storedFile))
    }

    public var description: String { "\(file):\(line):\(column)" }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        if lhs.storedFile != rhs.storedFile { return lhs.file < rhs.file }
        if lhs.line != rhs.line { return lhs.line < rhs.line }
        return lhs.column < rhs.column
    }
}

/// Every file name positions have pointed into, kept for the life of the
/// process and numbered in the order first seen. Registering takes a lock;
/// reading does not: entries are written once, before their number is handed
/// out, into chunks that never move.
public final class FileNames: @unchecked Sendable {
    public static let shared = FileNames()

    private static let chunkSize = 1024
    private static let chunkCount = 4096
    private let names: UnsafeMutablePointer<UnsafeMutablePointer<String>?>
    /// A copy of each name's UTF-8 that is never freed, for `withFileUTF8`:
    /// reading it touches no reference count.
    private let utf8: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeBufferPointer<UInt8>>?>
    // Guarded by `mutex`.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var ids: [String: UInt32] = [:]
    private var count = 0

    private init() {
        names = .allocate(capacity: FileNames.chunkCount)
        names.initialize(repeating: nil, count: FileNames.chunkCount)
        utf8 = .allocate(capacity: FileNames.chunkCount)
        utf8.initialize(repeating: nil, count: FileNames.chunkCount)
        pthread_mutex_init(mutex, nil)
        // Number 0 stands for every file past the four millionth.
        _ = add("(one of too many files)")
    }

    /// The number of `name`, registering it on first sight.
    public func id(of name: String) -> UInt32 {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        if let id = ids[name] { return id }
        guard count < FileNames.chunkSize * FileNames.chunkCount else { return 0 }
        return add(name)
    }

    public func name(of id: UInt32) -> String {
        guard let (chunk, offset) = place(of: id), let storage = names[chunk] else { return "" }
        return storage[offset]
    }

    func utf8(of id: UInt32) -> UnsafeBufferPointer<UInt8> {
        guard let (chunk, offset) = place(of: id), let storage = utf8[chunk] else { return UnsafeBufferPointer(start: nil, count: 0) }
        return storage[offset]
    }

    /// Called with the lock held (or from `init`).
    private func add(_ name: String) -> UInt32 {
        let (chunk, offset) = (count / FileNames.chunkSize, count % FileNames.chunkSize)
        let nameStorage = names[chunk] ?? .allocate(capacity: FileNames.chunkSize)
        let utf8Storage = utf8[chunk] ?? .allocate(capacity: FileNames.chunkSize)
        names[chunk] = nameStorage
        utf8[chunk] = utf8Storage
        let bytes = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, name.utf8.count))
        _ = bytes.initialize(from: name.utf8)
        (nameStorage + offset).initialize(to: name)
        (utf8Storage + offset).initialize(to: UnsafeBufferPointer(rebasing: bytes[..<name.utf8.count]))
        ids[name] = UInt32(count)
        count += 1
        return UInt32(count - 1)
    }

    private func place(of id: UInt32) -> (chunk: Int, offset: Int)? {
        let index = Int(id)
        guard index < FileNames.chunkSize * FileNames.chunkCount else { return nil }
        return (index / FileNames.chunkSize, index % FileNames.chunkSize)
    }
}

/// One problem with the input, printed as `file:line:column: error: message`.
public struct Diagnostic: Hashable, Comparable, Sendable, Error, CustomStringConvertible {
    public let location: SourceLocation
    public let message: String

    public init(_ message: String, at location: SourceLocation) {
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): error: \(message)" }

    public static func < (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
        if lhs.location != rhs.location { return lhs.location < rhs.location }
        return lhs.message < rhs.message
    }
}
