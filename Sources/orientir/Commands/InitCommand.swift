import ArgumentParser
import OrientirLog

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Create an empty store.")

    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let directory = try storeOptions.directory()
        try FileLog.create(at: directory)
        Diagnostics.note("created an empty store in \(directory)")
    }
}
