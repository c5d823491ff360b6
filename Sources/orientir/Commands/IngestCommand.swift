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

/// Streams one file into the log inside a bulk import. Two threads share the work: one reads, parses,
/// validates and encodes lines into chunks; the other appends the chunks (compression, hashing, writing).
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

    /// What the parsing thread hands over: drafts in file order, the retractions among them, the bad lines.
    struct Chunk: @unchecked Sendable {
        var drafts: [RecordDraft] = []
        var retractions: [(index: Int, retraction: EventRetracted, id: EventID, line: Int, text: [UInt8])] = []
        var rejects: [(line: Int, message: String, text: [UInt8])] = []
        var bytes = 0
    }

    let file: String
    let skipBad: Bool
    private var retracted: Set<EventID>?
    static let chunkSize = 1000

    init(file: String, skipBad: Bool) {
        self.file = file
        self.skipBad = skipBad
    }

    mutating func run(into log: FileLog, rejects: FileHandle?) throws -> Summary {
        var summary = Summary(file: file)
        let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        var progress = Progress(label: (file as NSString).lastPathComponent, totalBytes: size)
        var rejectLines: [UInt8] = []
        let channel = ChunkChannel(capacity: 4)
        let producer = Thread { [file, skipBad] in Self.produce(file: file, skipBad: skipBad, into: channel) }
        producer.stackSize = 8 << 20
        producer.start()
        defer { channel.cancel() }
        try log.withBulkImport { bulk in
            bulk.reserveCapacity(records: size / 200)
            while let chunk = try channel.take() {
                summary.bytes += chunk.bytes
                for reject in chunk.rejects {
                    guard skipBad else { throw CommandFailure(reject.message, status: .rejected) }
                    summary.rejected += 1
                    Self.appendReject(file: file, line: reject.line, error: reject.message, text: reject.text,
                                      to: &rejectLines)
                }
                var start = 0
                for r in chunk.retractions {
                    try append(chunk.drafts[start..<r.index], bulk, &summary)
                    start = r.index + 1
                    do {
                        try checkRetraction(r.retraction, id: r.id, bulk: bulk, line: r.line)
                        try append(chunk.drafts[r.index...r.index], bulk, &summary)
                    } catch let error as RetractionError {
                        guard skipBad else { throw CommandFailure(error.message, status: .rejected) }
                        summary.rejected += 1
                        Self.appendReject(file: file, line: r.line, error: error.message, text: r.text, to: &rejectLines)
                    }
                }
                try append(chunk.drafts[start...], bulk, &summary)
                progress.update(bytes: summary.bytes, events: summary.stored + summary.duplicates)
            }
        }
        progress.finish()
        summary.seconds = progress.elapsedSeconds
        if !rejectLines.isEmpty { rejects?.write(Data(rejectLines)) }
        return summary
    }

    /// The parsing thread: lines to chunks of drafts, until the file ends, a line is bad (without --skip-bad),
    /// or the consumer cancels.
    private static func produce(file: String, skipBad: Bool, into channel: ChunkChannel) {
        let parser = EventParser()
        var chunk = Chunk()
        var buffer: [UInt8] = []
        chunk.drafts.reserveCapacity(chunkSize)
        do {
            try NDJSONReader.forEachLine(inFile: file) { lineNumber, line in
                if channel.isCancelled { throw CancellationError() }
                chunk.bytes += line.count + 1
                do {
                    let event = try parser.parse(line: line, lineNumber: lineNumber, file: file)
                    if case .eventRetracted(let retraction) = event.data {
                        chunk.retractions.append((chunk.drafts.count, retraction, event.id, lineNumber, Array(line)))
                    }
                    chunk.drafts.append(EventLog.draft(for: event, buffer: &buffer))
                } catch {
                    chunk.rejects.append((lineNumber, "\(error)", Array(line)))
                    if !skipBad {
                        channel.put(chunk)
                        throw CancellationError()
                    }
                }
                if chunk.drafts.count >= chunkSize {
                    channel.put(chunk)
                    chunk = Chunk()
                    chunk.drafts.reserveCapacity(chunkSize)
                }
            }
            channel.put(chunk)
            channel.finish(nil)
        } catch is CancellationError {
            channel.finish(nil)
        } catch {
            channel.finish(CommandFailure("\(file): \(error)"))
        }
    }

    private func append(_ drafts: ArraySlice<RecordDraft>, _ bulk: BulkImport, _ summary: inout Summary) throws {
        guard !drafts.isEmpty else { return }
        for outcome in try bulk.append(Array(drafts)) {
            if case .duplicate = outcome { summary.duplicates += 1 } else { summary.stored += 1 }
        }
    }

    struct RetractionError: Error {
        var message: String
    }

    /// EVENTS.md: a retraction names an event stored earlier (also earlier in this file), not yet retracted,
    /// and neither a retraction nor an erasure.
    private mutating func checkRetraction(_ retraction: EventRetracted, id: EventID, bulk: BulkImport, line: Int) throws {
        let target = retraction.eventId
        func fail(_ rule: String) -> RetractionError {
            RetractionError(message: "\(file):\(line): data.eventId: \"\(target)\" \(rule)")
        }
        if bulk.position(ofID: id.bytes) != nil { return }  // this very retraction is stored already
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

    private static func appendReject(file: String, line: Int, error: String, text: [UInt8],
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

/// A bounded hand-over of chunks from the parsing thread to the appending one.
final class ChunkChannel: @unchecked Sendable {
    private let condition = NSCondition()
    private var chunks: [Ingestor.Chunk] = []
    private var finished = false
    private var failure: Error?
    private var cancelled = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }

    func put(_ chunk: Ingestor.Chunk) {
        condition.lock()
        defer { condition.unlock() }
        while chunks.count >= capacity && !cancelled { condition.wait() }
        guard !cancelled else { return }
        chunks.append(chunk)
        condition.broadcast()
    }

    func finish(_ error: Error?) {
        condition.lock()
        defer { condition.unlock() }
        finished = true
        failure = error
        condition.broadcast()
    }

    /// The next chunk; nil once the producer has finished and everything was taken.
    func take() throws -> Ingestor.Chunk? {
        condition.lock()
        defer { condition.unlock() }
        while chunks.isEmpty && !finished { condition.wait() }
        if !chunks.isEmpty {
            condition.broadcast()
            return chunks.removeFirst()
        }
        if let failure { throw failure }
        return nil
    }

    func cancel() {
        condition.lock()
        defer { condition.unlock() }
        cancelled = true
        condition.broadcast()
    }
}
