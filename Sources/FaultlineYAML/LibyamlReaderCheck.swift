/// For the tests and the fuzzer: the reader this program gives libyaml (see
/// `_libyamlUpdateBuffer`) must make libyaml report exactly what its own
/// reader does. Both read on the calling thread.
@_spi(Checking) public enum LibyamlReaderCheck {
    /// libyaml's first read, which its own reader always makes (it finds the
    /// encoding there): only input longer than this reaches ours.
    public static let firstRead = 16_384

    /// Everything libyaml reports for `input`, read by libyaml's own reader
    /// (`libyamls`) or by ours: each event with its position, style, text
    /// and anchor, then how the parse ended, with every field of a failure.
    public static func transcript(_ input: UnsafeBufferPointer<UInt8>, libyamls: Bool) -> [String] {
        var lines: [String] = []
        let reader = EventReader(input: input, maxScalarBytes: Int(Int32.max))
        let parse = {
            reader.forEachEvent { event, text in
                lines.append("\(event.kind) \(event.line):\(event.column) \(event.flag) \(event.textLength) \(Array(text)) \(event.anchorStart) \(event.anchorLength)")
                return true
            }
        }
        switch libyamls ? LibyamlBlocks.withLibyamlsReader(parse) : parse() {
        case .done: lines.append("done")
        case .couldNotStart: lines.append("could not start")
        case .failed(let failure):
            lines.append("failed \(failure.isReaderError) \(failure.problem) \(failure.context ?? "-") "
                + "\(failure.problemLine):\(failure.problemColumn) \(failure.contextLine):\(failure.contextColumn) "
                + "offset \(failure.problemOffset) value \(failure.problemValue)")
        }
        return lines
    }

    /// How many times our reader has filled a parser's buffer on this thread.
    public static var fills: Int { LibyamlBlocks.readerFills }
}
