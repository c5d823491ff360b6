import ArgumentParser
import Foundation
import OrientirEvents
import OrientirLog

struct AppendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Append one event, given as JSON on stdin; print its position once it is durable.")

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "Refuse unless the event's stream is at this version (-1: the stream must be empty).")
    var expectedVersion: Int?

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
        let expected: ExpectedVersion =
            switch expectedVersion {
            case nil: .any
            case let v? where v < 0: .noStream
            case let v?: .exactly(UInt64(v))
            }
        let log = try EventLog.open(try storeOptions.directory(), writable: true, durability: durability)
        var buffer: [UInt8] = []
        let outcome = try log.append([EventLog.draft(for: event, expected: expected, buffer: &buffer)])[0]
        try log.close()
        if case .duplicate(let position) = outcome {
            Diagnostics.note("event \(event.id) was stored before with the same content, at position \(position)")
        }
        print(outcome.position)
    }
}
