import ArgumentParser
import Foundation
import OrientirEvents
import OrientirLog

struct ForgetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Erase a person's personal data for real: append SubjectForgotten and destroy their key.",
        discussion: """
            The person's PersonalDataRecorded events stay in the log, sealed under a key that no longer exists:
            the log still verifies, and every read of that data answers "forgotten". Footprints and indicators
            keep working under the pseudonymous person id.
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "The person id (e.g. p-000123).")
    var personId: String

    @Option(help: "Why (kept in the log).")
    var reason: String

    @Option(help: "Region code for the envelope (default: that of the person's latest event).")
    var region: String?

    func run() throws {
        let directory = try storeOptions.directory()
        let log = try EventLog.open(directory, writable: true)
        let vault = try EventLog.vault(directory)
        var latest: Event?
        try log.read(ReadRange(stream: "person-" + personId)) { latest = try EventLog.decode($0) }
        guard let latest else { throw CommandFailure("no events of person \(personId) in the store", status: .usage) }
        let line = try EventLog.envelopeJSON(
            type: .subjectForgotten, region: region ?? latest.region, municipality: latest.municipality,
            data: "{\"personId\":\(EventLog.jsonString(personId)),\"reason\":\(EventLog.jsonString(reason))}")
        let event = try EventParser().parse(line: line, lineNumber: 1, file: "<forget>")
        var buffer: [UInt8] = []
        let outcome = try log.append([EventLog.draft(for: event, buffer: &buffer)])[0]
        try log.close()
        // The erasure is durable in the log before the key goes: a crash between the two leaves a key to destroy
        // again (rerun), never an erasure that did not happen.
        try vault.forget(personId)
        print(outcome.position)
        Diagnostics.note("forgot \(personId): SubjectForgotten at position \(outcome.position), key destroyed")
    }
}
