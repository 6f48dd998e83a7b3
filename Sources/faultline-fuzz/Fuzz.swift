@_spi(Checking) import FaultlineYAML
import FaultlineModel
import FaultlineRules
import FaultlineReport

/// The whole pipeline on arbitrary bytes: parse, load, analyse, suppress,
/// and render every report format. Any crash, hang or leak is a bug; an
/// error for invalid input is the expected outcome.
enum FuzzHarness {
    /// Small limits keep each execution fast; the limits themselves are
    /// exercised by the tests.
    static let limits = YAMLLimits(maxFileBytes: 1 << 20, maxExpandedNodes: 200_000, maxDepth: 64, maxScalarBytes: 1 << 16)

    static func run(_ bytes: [UInt8]) {
        checkReaders(bytes)
        let linter = Linter(limits: limits)
        switch linter.run([SourceFile(name: "fuzz.yaml", bytes: bytes)]) {
        case .success(let report):
            for format in OutputFormat.allCases {
                _ = format.render(report, color: false)
            }
            _ = Baseline(recording: report.findings).apply(to: report.findings)
        case .failure(let failure):
            // Every problem must carry a real position.
            for diagnostic in failure.diagnostics where diagnostic.location.line < 1 || diagnostic.location.column < 1 {
                fatalError("diagnostic without a position: \(diagnostic)")
            }
        }
    }

    /// The reader the program gives libyaml must make it report what its own
    /// does (see `LibyamlReaderCheck`); only input past libyaml's first read reaches it.
    static func checkReaders(_ bytes: [UInt8]) {
        guard bytes.count > LibyamlReaderCheck.firstRead else { return }
        bytes.withUnsafeBufferPointer { input in
            let libyamls = LibyamlReaderCheck.transcript(input, libyamls: true)
            let ours = LibyamlReaderCheck.transcript(input, libyamls: false)
            guard ours != libyamls else { return }
            let first = zip(ours, libyamls).first { $0 != $1 }
            fatalError("libyaml reports differently with the program's reader: \(first.map { "\($0.0) against \($0.1)" } ?? "\(ours.count) lines against \(libyamls.count)")")
        }
    }
}

#if FUZZING
/// libFuzzer's entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { return 0 }
    FuzzHarness.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

typealias FuzzCallback = @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: FuzzCallback) -> Int32

/// SwiftPM links an executable's `main` to `<product>_main`; hand control to libFuzzer's driver there.
@_cdecl("faultline_fuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments, fuzzOneInput)
}
#else
#if canImport(Glibc)
import Glibc
#endif

/// Without the fuzzer, replays inputs given as files: a crash found by the
/// fuzzer can be reproduced with a plain debug build.
@main
struct Replay {
    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            guard let file = fopen(path, "rb") else {
                print("cannot open \(path)")
                exit(2)
            }
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = fread(&buffer, 1, buffer.count, file)
                if count == 0 { break }
                bytes.append(contentsOf: buffer[0..<count])
            }
            fclose(file)
            FuzzHarness.run(bytes)
        }
    }
}
#endif
