import ArgumentParser
import FaultlineReport

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
