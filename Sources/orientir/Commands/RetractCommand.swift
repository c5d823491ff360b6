import ArgumentParser
import Foundation
import OrientirEvents
import OrientirLog

struct RetractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retract",
        abstract: "Append an EventRetracted for a stored event: read models treat it as never appended.")

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "The id (UUID) of the event to retract.")
    var id: String

    @Option(help: "Why (kept in the log).")
    var reason: String

    func run() throws {
        guard let target = EventID(id) else { throw CommandFailure("\(id) is not a lowercase UUID", status: .usage) }
        let log = try EventLog.open(try storeOptions.directory(), writable: true)
        let position = try log.withBulkImport { bulk -> UInt64 in
            guard let position = bulk.position(ofID: target.bytes), let record = try bulk.record(at: position) else {
                throw CommandFailure("\(id) is not a stored event", status: .rejected)
            }
            let stored = try EventCodec.decode(record.payload, id: target)
            let line = try EventLog.envelopeJSON(
                type: .eventRetracted, region: stored.region, municipality: stored.municipality,
                data: "{\"eventId\":\"\(target)\",\"reason\":\(EventLog.jsonString(reason))}")
            let event = try EventParser().parse(line: line, lineNumber: 1, file: "<retract>")
            var rules = RetractionRules()
            if let failure = try rules.check(event, bulk: bulk, file: "<retract>", line: 1) {
                throw CommandFailure(failure, status: .rejected)
            }
            var buffer: [UInt8] = []
            return try bulk.append([EventLog.draft(for: event, buffer: &buffer)])[0].position
        }
        try log.close()
        print(position)
    }
}
