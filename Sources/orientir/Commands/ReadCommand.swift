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
        var out = StandardOutput()
        var stamp = (microseconds: Int64.min, text: [UInt8]())
        try log.read(range) { record in
            var event = try EventLog.decode(record)
            if !types.isEmpty && !types.contains(event.type) { return }
            var readOut = SealedReadOut.sealed
            if case .sealedPersonalData(let sealed) = event.data {
                if vault.isForgotten(sealed.personId) {
                    readOut = .forgotten
                } else if revealPersonalData {
                    switch try vault.unseal(event) {
                    case .clear(let data): event.data = .personalDataRecorded(data)
                    case .forgotten: readOut = .forgotten
                    }
                }
            }
            out.withBuffer { buffer in
                event.writeNDJSON(into: &buffer, sealedAs: readOut)
                buffer.removeLast()  // the closing brace: the store's fields follow
                buffer.append(contentsOf: Self.positionKey)
                Self.appendDecimal(record.position, to: &buffer)
                buffer.append(contentsOf: Self.recordedAtKey)
                if stamp.microseconds != record.recordedAt {  // a batch shares one instant: format it once
                    stamp = (record.recordedAt, Array(Instant.format(microseconds: record.recordedAt).utf8))
                }
                buffer.append(contentsOf: stamp.text)
                buffer.append(contentsOf: Self.streamVersionKey)
                Self.appendDecimal(record.streamVersion, to: &buffer)
                buffer.append(contentsOf: Self.lineEnd)
            }
        }
        out.flush()
    }

    private static let positionKey = Array(#","position":"#.utf8)
    private static let recordedAtKey = Array(#","recordedAt":""#.utf8)
    private static let streamVersionKey = Array(#"","streamVersion":"#.utf8)
    private static let lineEnd = Array("}\n".utf8)

    static func appendDecimal(_ value: UInt64, to buffer: inout [UInt8]) {
        var divisor: UInt64 = 1
        while value / divisor >= 10 { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            buffer.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
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
