import ArgumentParser
import Foundation
import OrientirEvents
import OrientirLog

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Validate and store the events of NDJSON files, each file all or nothing.",
        discussion: """
            A bad line rejects its whole file and leaves the store exactly as it was, unless --skip-bad is given:
            then the good lines are stored and each bad one is written, with its error, to the --rejects file.
            Events already stored (same id, same content) are skipped, so a file can be ingested again safely.
            Each file is synced to disk once, at its end.
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "NDJSON files of events (EVENTS.md).")
    var files: [String]

    @Flag(help: "Store the good lines and write the bad ones to --rejects.")
    var skipBad = false

    @Option(help: "Where --skip-bad writes rejected lines (NDJSON: file, line, error, text).")
    var rejects: String?

    @Option(help: "always | batch | none; an ingest is synced once at the end of each file in every mode.")
    var durability: Durability = .batch

    func validate() throws {
        if skipBad && rejects == nil { throw ValidationError("--skip-bad needs --rejects FILE") }
        if !skipBad && rejects != nil { throw ValidationError("--rejects goes with --skip-bad") }
    }

    func run() throws {
        let log = try EventLog.open(try storeOptions.directory(), writable: true, durability: durability)
        var rejectsOutput: FileHandle?
        if let rejects {
            guard FileManager.default.createFile(atPath: rejects, contents: nil) else {
                throw CommandFailure("cannot create \(rejects)")
            }
            rejectsOutput = FileHandle(forWritingAtPath: rejects)
        }
        var rejectedTotal = 0
        for file in files {
            var ingestor = Ingestor(file: file, skipBad: skipBad)
            let summary = try ingestor.run(into: log, rejects: rejectsOutput)
            rejectedTotal += summary.rejected
            Diagnostics.note(summary.line)
        }
        try log.close()
        try rejectsOutput?.close()
        if rejectedTotal > 0, let rejects {
            Diagnostics.note("\(rejectedTotal) rejected line(s) written to \(rejects)")
        }
    }
}

/// Streams one file into the log inside a bulk import: parse, validate, encode, append in chunks.
struct Ingestor {
    struct Summary {
        var file: String
        var stored = 0
        var duplicates = 0
        var rejected = 0
        var bytes = 0
        var seconds = 0.0

        var line: String {
            let events = stored + duplicates
            return String(
                format: "%@: stored %d, duplicates skipped %d, rejected %d, in %.2f s (%.0f events/s, %.1f MB/s)",
                file, stored, duplicates, rejected, seconds, seconds > 0 ? Double(events) / seconds : 0,
                seconds > 0 ? Double(bytes) / seconds / 1e6 : 0)
        }
    }

    let file: String
    let skipBad: Bool
    private let parser = EventParser()
    private var chunk: [RecordDraft] = []
    private var buffer: [UInt8] = []
    private var retracted: Set<EventID>?
    static let chunkSize = 1000

    init(file: String, skipBad: Bool) {
        self.file = file
        self.skipBad = skipBad
        chunk.reserveCapacity(Self.chunkSize)
    }

    mutating func run(into log: FileLog, rejects: FileHandle?) throws -> Summary {
        var summary = Summary(file: file)
        let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        var progress = Progress(label: (file as NSString).lastPathComponent, totalBytes: size)
        var rejectLines: [UInt8] = []
        try log.withBulkImport { bulk in
            try NDJSONReader.forEachLine(inFile: file) { lineNumber, line in
                summary.bytes += line.count + 1
                do {
                    let event = try parser.parse(line: line, lineNumber: lineNumber, file: file)
                    if case .eventRetracted(let retraction) = event.data {
                        try flush(bulk, &summary)
                        try checkRetraction(retraction, of: event, bulk: bulk, line: lineNumber)
                    }
                    chunk.append(EventLog.draft(for: event, buffer: &buffer))
                    if chunk.count >= Self.chunkSize { try flush(bulk, &summary) }
                } catch let error as EventValidationError {
                    guard skipBad else { throw CommandFailure(error.description, status: .rejected) }
                    summary.rejected += 1
                    Self.appendReject(file: file, line: lineNumber, error: error.description, text: line, to: &rejectLines)
                } catch let error as RetractionError {
                    guard skipBad else { throw CommandFailure(error.message, status: .rejected) }
                    summary.rejected += 1
                    Self.appendReject(file: file, line: lineNumber, error: error.message, text: line, to: &rejectLines)
                }
                progress.update(bytes: summary.bytes, events: summary.stored + summary.duplicates)
            }
            try flush(bulk, &summary)
        }
        progress.finish()
        summary.seconds = progress.elapsedSeconds
        if !rejectLines.isEmpty { rejects?.write(Data(rejectLines)) }
        return summary
    }

    private mutating func flush(_ bulk: BulkImport, _ summary: inout Summary) throws {
        guard !chunk.isEmpty else { return }
        for outcome in try bulk.append(chunk) {
            if case .duplicate = outcome { summary.duplicates += 1 } else { summary.stored += 1 }
        }
        chunk.removeAll(keepingCapacity: true)
    }

    struct RetractionError: Error {
        var message: String
    }

    /// EVENTS.md: a retraction names an event stored earlier (also earlier in this file), not yet retracted,
    /// and neither a retraction nor an erasure.
    private mutating func checkRetraction(_ retraction: EventRetracted, of event: Event, bulk: BulkImport, line: Int) throws {
        let target = retraction.eventId
        func fail(_ rule: String) -> RetractionError {
            RetractionError(message: "\(file):\(line): data.eventId: \"\(target)\" \(rule)")
        }
        if bulk.position(ofID: event.id.bytes) != nil { return }  // this very retraction is stored already
        guard let position = bulk.position(ofID: target.bytes), let record = try bulk.record(at: position) else {
            throw fail("is not a stored event")
        }
        let stored = try record.payload.withUnsafeBytes { try EventCodec.decode($0, id: target) }
        switch stored.type {
        case .eventRetracted: throw fail("is a retraction, which cannot be retracted")
        case .subjectForgotten: throw fail("is an erasure (SubjectForgotten), which is final")
        default: break
        }
        if retracted == nil {
            var known = Set<EventID>()
            try bulk.read(ReadRange(stream: "retractions")) { record in
                if let id = EventID(bytes: record.id), case .eventRetracted(let r) = try EventCodec.decode(record.payload, id: id).data {
                    known.insert(r.eventId)
                }
            }
            retracted = known
        }
        guard retracted!.insert(target).inserted else { throw fail("is retracted already") }
    }

    private static func appendReject(file: String, line: Int, error: String, text: UnsafeRawBufferPointer,
                                     to out: inout [UInt8]) {
        func quoted(_ s: String) -> String {
            var result = "\""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": result += "\\\""
                case "\\": result += "\\\\"
                case "\n": result += "\\n"
                case "\r": result += "\\r"
                case "\t": result += "\\t"
                default:
                    if scalar.value < 0x20 {
                        result += String(format: "\\u%04x", scalar.value)
                    } else {
                        result.unicodeScalars.append(scalar)
                    }
                }
            }
            return result + "\""
        }
        let textString = String(decoding: text, as: UTF8.self)
        let json = "{\"file\":\(quoted(file)),\"line\":\(line),\"error\":\(quoted(error)),\"text\":\(quoted(textString))}\n"
        out.append(contentsOf: json.utf8)
    }
}
