import ArgumentParser
import Foundation
import OrientirLog

/// `orientir`: the command line of the Orientir career-guidance event store.
@main
struct Orientir: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orientir",
        abstract: "Orientir: the event log of a region's career-guidance programme.",
        discussion: """
            The store is a directory: give it as `orientir --store DIR COMMAND …` or in ORIENTIR_STORE.
            Data goes to stdout; progress and diagnostics to stderr.
            Exit codes: 0 done; 1 failure; 2 usage; 3 input rejected; 4 conflict (id or version);
            5 store damaged (verify failed); 6 store locked by another writer.
            """,
        subcommands: [
            InitCommand.self, GenerateCommand.self, IngestCommand.self, AppendCommand.self, ReadCommand.self,
            VerifyCommand.self, CheckpointCommand.self, StatsCommand.self, RetractCommand.self, ForgetCommand.self,
            CheckCommand.self, RebuildCommand.self, FootprintCommand.self, IndicatorsCommand.self,
            BenchAppendCommand.self, BenchSyncCommand.self,
        ]
    )

    static func main() {
        signal(SIGPIPE, SIG_IGN)  // a closed stdout shows up as EPIPE, handled where output is written
        do {
            var command = try parseAsRoot(StoreOptions.hoistingGlobalOptions(Array(CommandLine.arguments.dropFirst())))
            try command.run()
        } catch let error as LogError {
            Diagnostics.fail(error.description, code: ExitStatus.for(error))
        } catch let error as CommandFailure {
            Diagnostics.fail(error.message, code: error.status)
        } catch {
            exit(withError: error)
        }
    }
}
