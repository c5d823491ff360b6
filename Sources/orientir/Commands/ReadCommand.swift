import ArgumentParser
import OrientirEvents
import OrientirLog

struct ReadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Print stored events as NDJSON, each with its position, recordedAt and streamVersion.",
        discussion: "Filters combine: positions --from..--until (inclusive), recordedAt in [--since, --until-time).")

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "First position.")
    var from: UInt64 = 0

    @Option(help: "Last position (inclusive).")
    var until: UInt64?

    @Option(help: "Only events recorded at or after this RFC 3339 instant.")
    var since: String?

    @Option(help: "Only events recorded before this RFC 3339 instant.")
    var untilTime: String?

    @Option(help: "Only this stream (e.g. person-p-000123).")
    var stream: String?

    @Option(help: "Only events of this type (repeatable).")
    var type: [String] = []

    @Flag(help: "Show sealed personal data in clear (never for a forgotten person).")
    var revealPersonalData = false

    func run() throws {
        let types = try Set(type.map { name in
            guard let t = EventType(rawValue: name) else {
                throw CommandFailure("--type \(name): not an event type", status: .usage)
            }
            return t
        })
        guard until.map({ $0 >= from }) ?? true else { throw CommandFailure("--until is before --from", status: .usage) }
        let range = ReadRange(
            positions: from..<(until.map { $0 + 1 } ?? .max), since: try Self.instant(since, "--since"),
            before: try Self.instant(untilTime, "--until-time"), stream: stream)
        let directory = try storeOptions.directory()
        let log = try FileLog(directory: directory, options: .reading)
        let vault = try EventLog.vault(directory)
        var lines = NDJSONBuffer(capacity: Self.blockSize + (1 << 16))
        var stamp = (microseconds: Int64.min, text: [UInt8]())
        try log.read(range) { record in
            let event = try EventLog.encodedEvent(record)
            if !types.isEmpty && !types.contains(event.type) { return }
            try append(event, to: &lines, vault: vault)
            lines.removeLast()  // the closing brace: the store's fields follow
            lines.append(#","position":"#)
            lines.appendDecimal(record.position)
            lines.append(#","recordedAt":""#)
            if stamp.microseconds != record.recordedAt {  // a batch shares one instant: format it once
                stamp = (record.recordedAt, Array(Instant.format(microseconds: record.recordedAt).utf8))
            }
            stamp.text.withUnsafeBytes { lines.append($0) }
            lines.append(#"","streamVersion":"#)
            lines.appendDecimal(record.streamVersion)
            lines.append("}\n")
            if lines.count >= Self.blockSize {
                lines.withBytes { StandardOutput.writeUnbuffered($0) }
                lines.removeAll()
            }
        }
        lines.withBytes { StandardOutput.writeUnbuffered($0) }
    }

    /// Output goes to stdout in blocks of about this size.
    private static let blockSize = 1 << 20

    /// Renders `event` straight from its encoding, unless it is sealed personal data to show in clear.
    private func append(_ event: EncodedEvent, to lines: inout NDJSONBuffer, vault: PersonalDataVault) throws {
        guard let personId = event.sealedPersonId else { return try lines.append(event) }
        if vault.isForgotten(personId) { return try lines.append(event, sealedAs: .forgotten) }
        guard revealPersonalData else { return try lines.append(event, sealedAs: .sealed) }
        var decoded = try event.decoded()
        switch try vault.unseal(decoded) {
        case .clear(let data):
            decoded.data = .personalDataRecorded(data)
            lines.append(decoded)
        case .forgotten:
            try lines.append(event, sealedAs: .forgotten)
        }
    }

    static func instant(_ text: String?, _ option: String) throws -> Int64? {
        guard let text else { return nil }
        guard let timestamp = Timestamp(text) else {
            throw CommandFailure("\(option) \(text): not an RFC 3339 date-time with offset", status: .usage)
        }
        return timestamp.epochMicroseconds
    }
}
