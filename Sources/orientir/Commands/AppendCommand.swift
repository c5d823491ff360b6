import ArgumentParser
import Foundation
import OrientirEvents
import OrientirLog

struct AppendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Append one event, given as JSON on stdin; print its position once it is durable.")

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: ArgumentHelp(
        "Refuse unless the event's stream is at this version (`none`: the stream must have no events).",
        valueName: "n|none"))
    var expectedVersion: String?

    @Option(help: "always | batch | none (none: synced when the command ends).")
    var durability: Durability = .batch

    func run() throws {
        let input = FileHandle.standardInput.readDataToEndOfFile()
        var bytes = [UInt8](input)
        while let last = bytes.last, last == 0x0A || last == 0x0D || last == 0x20 { bytes.removeLast() }
        let event: Event
        do {
            event = try EventParser().parse(line: bytes, lineNumber: 1, file: "<stdin>")
        } catch {
            throw CommandFailure(error.description, status: .rejected)
        }
        let expected: ExpectedVersion
        switch expectedVersion {
        case nil: expected = .any
        case "none", "-1": expected = .noStream
        case let text?:
            guard let version = UInt64(text) else {
                throw CommandFailure("--expected-version \(text): a version number or `none`", status: .usage)
            }
            expected = .exactly(version)
        }
        let directory = try storeOptions.directory()
        let log = try EventLog.open(directory, writable: true, durability: durability)
        var stored = event
        if case .personalDataRecorded(let data) = event.data {
            let vault = try EventLog.vault(directory)
            if vault.isForgotten(data.personId) {
                guard let position = log.position(ofID: event.id.bytes) else {
                    throw CommandFailure("data.personId: \"\(data.personId)\" is forgotten (SubjectForgotten); "
                                         + "their personal data cannot be recorded again", status: .rejected)
                }
                print(position)
                return
            }
            stored = try vault.seal(event)
        }
        var buffer: [UInt8] = []
        let outcome = try log.append([EventLog.draft(for: stored, expected: expected, buffer: &buffer)])[0]
        try log.close()
        if case .duplicate(let position) = outcome {
            Diagnostics.note("event \(event.id) was stored before with the same content, at position \(position)")
        }
        print(outcome.position)
    }
}
