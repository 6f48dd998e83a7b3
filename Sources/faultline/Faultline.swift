import ArgumentParser
import FaultlineReport
import FaultlineYAML

import Glibc

/// Exit statuses of `report-format.md`.
enum ExitStatus {
    static let clean: Int32 = 0
    static let findings: Int32 = 1
    static let invalidInput: Int32 = 2
}

@main
struct Faultline: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faultline",
        abstract: "Static architecture analysis for service topologies.",
        discussion: "Reads a YAML topology of services, calls, channels and datastores, and flags what breaks under load.",
        version: Tool.version,
        subcommands: [Lint.self, Import.self, ListRules.self, Explain.self],
        defaultSubcommand: nil
    )

    /// Like ArgumentParser's own `main()`, except that usage errors exit with
    /// status 2: a bad flag must never look like a clean run or a finding.
    static func main() {
        MemoryPolicy.apply()
        do {
            var command = try parseAsRoot()
            if let runnable = command as? any RunnableCommand {
                let status = runnable.execute()
                Glibc.exit(status)
            }
            try command.run()
            Glibc.exit(ExitStatus.clean)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                Glibc.exit(ExitStatus.clean)
            }
            if !message.isEmpty { printError(message) }
            Glibc.exit(ExitStatus.invalidInput)
        }
    }
}

/// A subcommand that decides its own exit status.
protocol RunnableCommand: ParsableCommand {
    func execute() -> Int32
}

func printError(_ text: String) {
    var text = text
    if !text.hasSuffix("\n") { text += "\n" }
    FileInput.write(text, to: STDERR_FILENO)
}

/// glibc raises its mmap threshold each time a large block is freed, so the
/// node tree, once freed, makes later large arrays come from the heap, where
/// freeing them does not give the memory back. A fixed threshold keeps every
/// large array in its own mapping, returned to the system when it is freed:
/// on a 50 000-service topology that is 15 MiB less at the peak.
///
/// A thread other than the main one allocates from an arena of its own,
/// which glibc grows by exactly what each allocation needs: one `mprotect`
/// call per page, ten thousand of them at 50 000 services while the rules
/// write their findings, each taking the lock that every page fault of the
/// process needs too. With 64 MiB of top padding each arena's heap is made
/// readable and writable whole when it is created (a heap is at most 64 MiB),
/// and the main arena grows in steps of that size: a tenth less wall time,
/// a third fewer page faults. The padding also keeps up to that much freed
/// memory instead of returning it; the sort makes room for it (see
/// `Finding.sortedInReportOrder`).
///
/// Arenas are limited to one per core. The work runs on one thread per
/// core, but when another process takes a core, Dispatch may hand a part of
/// it to a further thread, which then gets an arena of its own; the findings
/// it writes there leave memory that the other arenas cannot reuse. On a busy
/// machine a third of the runs at 50 000 services peaked at 225–233 MiB
/// instead of 205–209 (with no change in time).
enum MemoryPolicy {
    #if canImport(Glibc)
    @_silgen_name("mallopt")
    private static func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
    private static let mmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD
    private static let trimThreshold: Int32 = -1  // M_TRIM_THRESHOLD
    private static let topPad: Int32 = -2  // M_TOP_PAD
    private static let arenaMax: Int32 = -8  // M_ARENA_MAX
    #endif

    static func apply() {
        #if canImport(Glibc)
        _ = mallopt(mmapThreshold, 128 * 1024)
        _ = mallopt(trimThreshold, 128 * 1024)
        _ = mallopt(topPad, 64 << 20)
        _ = mallopt(arenaMax, Int32(clamping: max(2, Cores.online)))
        #endif
    }
}
