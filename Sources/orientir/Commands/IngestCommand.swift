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

    @Option(help: "The event type of CSV files (*.csv): one type per file, a header row of envelope and data fields.")
    var type: String?

    @Option(help: "LZ4 level: 0 fast, 1…12 LZ4HC (smaller store, slower ingest).")
    var compressionLevel = 4

    func validate() throws {
        if skipBad && rejects == nil { throw ValidationError("--skip-bad needs --rejects FILE") }
        if !skipBad && rejects != nil { throw ValidationError("--rejects goes with --skip-bad") }
        if files.contains(where: { $0.hasSuffix(".csv") }) {
            guard let type else { throw ValidationError("CSV files need --type (the event type of their rows)") }
            guard EventType(rawValue: type) != nil else { throw ValidationError("--type \(type): not an event type") }
        }
    }

    func run() throws {
        let directory = try storeOptions.directory()
        // Larger batches compress better; an ingest is one import, so nobody waits on a batch to fill.
        let log = try EventLog.open(directory, writable: true, durability: durability, compressionLevel: compressionLevel,
                                    maxBatchRecords: Ingestor.chunkSize)
        let vault = try EventLog.vault(directory)
        var rejectsOutput: FileHandle?
        if let rejects {
            guard FileManager.default.createFile(atPath: rejects, contents: nil) else {
                throw CommandFailure("cannot create \(rejects)")
            }
            rejectsOutput = FileHandle(forWritingAtPath: rejects)
        }
        var rejectedTotal = 0
        for file in files {
            var ingestor = Ingestor(file: file, skipBad: skipBad, vault: vault,
                                    csvType: file.hasSuffix(".csv") ? type.flatMap(EventType.init(rawValue:)) : nil)
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
        var retractions: [(index: Int, event: Event, line: Int, text: [UInt8])] = []
        /// Personal data of a person already forgotten: acceptable only as a repeat of a stored event.
        var forgotten: [(id: EventID, line: Int, message: String, text: [UInt8])] = []
        var rejects: [(line: Int, message: String, text: [UInt8])] = []
        var bytes = 0
    }

    let file: String
    let skipBad: Bool
    let vault: PersonalDataVault
    let csvType: EventType?
    private var rules = RetractionRules()
    static let chunkSize = 4000

    init(file: String, skipBad: Bool, vault: PersonalDataVault, csvType: EventType?) {
        self.file = file
        self.skipBad = skipBad
        self.vault = vault
        self.csvType = csvType
    }

    mutating func run(into log: FileLog, rejects: FileHandle?) throws -> Summary {
        var summary = Summary(file: file)
        let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        var progress = Progress(label: (file as NSString).lastPathComponent, totalBytes: size)
        var rejectLines: [UInt8] = []
        let channel = ChunkChannel(capacity: 4)
        let producer = Thread { [file, skipBad, vault, csvType] in
            Self.produce(file: file, skipBad: skipBad, csvType: csvType, vault: vault, into: channel)
        }
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
                for f in chunk.forgotten {
                    if bulk.position(ofID: f.id.bytes) != nil {
                        summary.duplicates += 1
                        continue
                    }
                    guard skipBad else { throw CommandFailure(f.message, status: .rejected) }
                    summary.rejected += 1
                    Self.appendReject(file: file, line: f.line, error: f.message, text: f.text, to: &rejectLines)
                }
                let drafts = chunk.drafts
                var start = 0
                for r in chunk.retractions {
                    try append(drafts[start..<r.index], bulk, &summary)
                    start = r.index + 1
                    if let failure = try rules.check(r.event, bulk: bulk, file: file, line: r.line) {
                        guard skipBad else { throw CommandFailure(failure, status: .rejected) }
                        summary.rejected += 1
                        Self.appendReject(file: file, line: r.line, error: failure, text: r.text, to: &rejectLines)
                    } else {
                        try append(drafts[r.index...r.index], bulk, &summary)
                    }
                }
                try append(drafts[start...], bulk, &summary)
                progress.update(bytes: summary.bytes, events: summary.stored + summary.duplicates)
            }
            // New persons' keys reach the disk before the import (and with it their sealed data) becomes durable.
            try vault.saveIfNeeded()
        }
        progress.finish()
        summary.seconds = progress.elapsedSeconds
        if !rejectLines.isEmpty { rejects?.write(Data(rejectLines)) }
        return summary
    }

    /// The parsing thread: lines (or CSV rows) to chunks of drafts, until the file ends, a line is bad (without
    /// --skip-bad), or the consumer cancels. Personal data is sealed here, before it is encoded.
    private static func produce(
        file: String, skipBad: Bool, csvType: EventType?, vault: PersonalDataVault, into channel: ChunkChannel
    ) {
        var chunk = Chunk()
        var buffer: [UInt8] = []
        chunk.drafts.reserveCapacity(chunkSize)

        /// Takes one parsed (or rejected) line; false to stop.
        func take(_ parsed: Result<Event, Error>, line: Int, text: UnsafeRawBufferPointer) -> Bool {
            chunk.bytes += text.count + 1
            do {
                var event = try parsed.get()
                if case .personalDataRecorded(let data) = event.data {
                    if vault.isForgotten(data.personId) {
                        chunk.forgotten.append((
                            event.id, line,
                            "\(file):\(line): data.personId: \"\(data.personId)\" is forgotten (SubjectForgotten); "
                                + "their personal data cannot be recorded again", Array(text)))
                        return flushIfFull()
                    }
                    event = try vault.seal(event, deferSave: true)
                }
                if case .eventRetracted = event.data {
                    chunk.retractions.append((chunk.drafts.count, event, line, Array(text)))
                }
                chunk.drafts.append(EventLog.draft(for: event, buffer: &buffer))
            } catch {
                chunk.rejects.append((line, "\(error)", Array(text)))
                if !skipBad {
                    channel.put(chunk)
                    return false
                }
            }
            return flushIfFull()
        }

        func flushIfFull() -> Bool {
            if chunk.drafts.count >= chunkSize {
                channel.put(chunk)
                chunk = Chunk()
                chunk.drafts.reserveCapacity(chunkSize)
            }
            return !channel.isCancelled
        }

        do {
            if let csvType {
                let text = try String(contentsOfFile: file, encoding: .utf8)
                var line = 1
                try CSVEventReader(type: csvType).forEachEvent(in: text, file: file) { event in
                    line += 1
                    _ = take(.success(event), line: line, text: UnsafeRawBufferPointer(start: nil, count: 0))
                }
            } else {
                let parser = EventParser()
                try NDJSONReader.forEachLine(inFile: file) { lineNumber, line in
                    let parsed = Result<Event, Error> { try parser.parse(line: line, lineNumber: lineNumber, file: file) }
                    if !take(parsed, line: lineNumber, text: line) { throw CancellationError() }
                }
            }
            channel.put(chunk)
            channel.finish(nil)
        } catch is CancellationError {
            channel.finish(nil)
        } catch let error as EventValidationError {
            channel.finish(CommandFailure(error.description, status: .rejected))
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

    private static func appendReject(file: String, line: Int, error: String, text: [UInt8], to out: inout [UInt8]) {
        let json = "{\"file\":\(EventLog.jsonString(file)),\"line\":\(line),\"error\":\(EventLog.jsonString(error)),"
            + "\"text\":\(EventLog.jsonString(String(decoding: text, as: UTF8.self)))}\n"
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
