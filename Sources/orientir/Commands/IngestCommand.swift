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
    var compressionLevel = 3

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
        Diagnostics.exitLeavingMemoryToTheSystem()
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
        /// The drafts in file order, cut into runs so that each retraction is a run of its own: the appending
        /// thread hands each run over as it is (no copy) and checks a retraction after the drafts before it.
        var runs: [[RecordDraft]] = []
        /// The run being filled.
        var drafts: [RecordDraft] = []
        /// Each retraction with its run.
        var retractions: [(run: Int, event: Event, line: Int, text: [UInt8])] = []
        /// Personal data of a person already forgotten: acceptable only as a repeat of a stored event.
        var forgotten: [(id: EventID, line: Int, message: String, text: [UInt8])] = []
        var rejects: [(line: Int, message: String, text: [UInt8])] = []
        var bytes = 0

        mutating func endRun() {
            guard !drafts.isEmpty else { return }
            runs.append(drafts)
            drafts = []
        }
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
        let channel = ChunkChannel(capacity: 6)
        let work = BlockQueue(capacity: 4)
        let producer = Thread { [file, csvType] in
            Self.split(file: file, csvType: csvType, into: work, results: channel)
        }
        producer.stackSize = 8 << 20
        producer.start()
        for _ in 0..<Self.parsers {
            let parser = Thread { [file, skipBad, vault] in
                while let block = work.take() {
                    channel.put(block.sequence, Self.parse(block, file: file, skipBad: skipBad, vault: vault))
                }
            }
            parser.stackSize = 8 << 20
            parser.start()
        }
        defer {
            channel.cancel()
            work.cancel()
        }
        // New persons' keys reach the disk before the import (and with it their sealed data) commits; the keystore
        // is written only once every line was accepted, while the log syncs.
        try log.withBulkImport(alongsideCommit: { [vault] in try vault.saveIfNeeded() }) { bulk in
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
                var retractions = chunk.retractions[...]
                for (index, run) in chunk.runs.enumerated() {
                    if let r = retractions.first, r.run == index {
                        retractions.removeFirst()
                        if let failure = try rules.check(r.event, bulk: bulk, file: file, line: r.line) {
                            guard skipBad else { throw CommandFailure(failure, status: .rejected) }
                            summary.rejected += 1
                            Self.appendReject(file: file, line: r.line, error: failure, text: r.text, to: &rejectLines)
                            continue
                        }
                    }
                    try append(run, bulk, &summary)
                }
                progress.update(bytes: summary.bytes, events: summary.stored + summary.duplicates)
            }
        }
        progress.finish()
        summary.seconds = progress.elapsedSeconds
        if !rejectLines.isEmpty { rejects?.write(Data(rejectLines)) }
        return summary
    }

    /// Parsing threads: parsing and validating is the heaviest step, so two threads share it while the
    /// appending thread compresses and writes; the chunks are put back in file order before they are appended.
    static let parsers = 2

    /// Lines of the file, copied out of the reader's buffer, with their numbers.
    struct Block: @unchecked Sendable {
        var sequence: Int
        var bytes: [UInt8] = []
        var lines: [(number: Int, range: Range<Int>)] = []
        /// CSV rows arrive parsed already.
        var events: [(number: Int, event: Event)] = []
    }

    /// The reading thread: cuts the file into blocks of `chunkSize` lines for the parsing threads.
    private static func split(file: String, csvType: EventType?, into work: BlockQueue, results: ChunkChannel) {
        var block = Block(sequence: 0)
        var sequence = 0
        func submit() {
            work.put(block)
            sequence += 1
            block = Block(sequence: sequence)
        }
        do {
            if let csvType {
                let text = try String(contentsOfFile: file, encoding: .utf8)
                var line = 1
                try CSVEventReader(type: csvType).forEachEvent(in: text, file: file) { event in
                    line += 1
                    block.events.append((line, event))
                    if block.events.count >= chunkSize { submit() }
                }
            } else {
                block.bytes.reserveCapacity(chunkSize * 320)
                try NDJSONReader.forEachLine(inFile: file) { number, line in
                    let start = block.bytes.count
                    block.bytes.append(contentsOf: line)
                    block.lines.append((number, start..<block.bytes.count))
                    if block.lines.count >= chunkSize {
                        submit()
                        block.bytes.reserveCapacity(chunkSize * 320)
                        if work.isCancelled { throw CancellationError() }
                    }
                }
            }
            submit()
            work.finish()
            results.finish(blocks: sequence, nil)
        } catch is CancellationError {
            work.finish()
            results.finish(blocks: sequence, nil)
        } catch let error as EventValidationError {
            work.finish()
            results.finish(blocks: sequence, CommandFailure(error.description, status: .rejected))
        } catch {
            work.finish()
            results.finish(blocks: sequence, CommandFailure("\(file): \(error)"))
        }
    }

    /// One block's lines to a chunk of drafts. Personal data is sealed here, before it is encoded.
    private static func parse(_ block: Block, file: String, skipBad: Bool, vault: PersonalDataVault) -> Chunk {
        let parser = EventParser()
        var chunk = Chunk()
        var buffer: [UInt8] = []
        chunk.drafts.reserveCapacity(chunkSize)

        func take(_ parsed: Result<Event, Error>, line: Int, text: ArraySlice<UInt8>) {
            chunk.bytes += text.count + 1
            do {
                var event = try parsed.get()
                if case .personalDataRecorded(let data) = event.data {
                    if vault.isForgotten(data.personId) {
                        chunk.forgotten.append((
                            event.id, line,
                            "\(file):\(line): data.personId: \"\(data.personId)\" is forgotten (SubjectForgotten); "
                                + "their personal data cannot be recorded again", Array(text)))
                        return
                    }
                    event = try vault.seal(event, deferSave: true)
                }
                if case .eventRetracted = event.data {
                    chunk.endRun()
                    chunk.retractions.append((chunk.runs.count, event, line, Array(text)))
                    chunk.drafts.append(EventLog.draft(for: event, buffer: &buffer))
                    chunk.endRun()
                } else {
                    chunk.drafts.append(EventLog.draft(for: event, buffer: &buffer))
                }
            } catch {
                chunk.rejects.append((line, "\(error)", Array(text)))
            }
        }

        for (number, event) in block.events { take(.success(event), line: number, text: []) }
        for (number, range) in block.lines {
            let text = block.bytes[range]
            // Most lines are encoded straight from their bytes; the parser makes the event of the others, or the
            // error. Personal data is sealed and retractions are checked against the log: both need the event.
            if let encoded = text.withUnsafeBytes({ EventCodec.encode(line: $0) }),
                encoded.type != .personalDataRecorded, encoded.type != .eventRetracted
            {
                chunk.bytes += text.count + 1
                chunk.drafts.append(RecordDraft(id: encoded.id.bytes, stream: encoded.stream, payload: encoded.payload))
                continue
            }
            take(Result { try text.withUnsafeBytes { try parser.parse(line: $0, lineNumber: number, file: file) } },
                 line: number, text: text)
            if !skipBad && !chunk.rejects.isEmpty { break }  // the file is rejected: no need to go on
        }
        chunk.endRun()
        return chunk
    }

    private func append(_ drafts: [RecordDraft], _ bulk: BulkImport, _ summary: inout Summary) throws {
        guard !drafts.isEmpty else { return }
        for outcome in try bulk.append(drafts) {
            if case .duplicate = outcome { summary.duplicates += 1 } else { summary.stored += 1 }
        }
    }

    private static func appendReject(file: String, line: Int, error: String, text: [UInt8], to out: inout [UInt8]) {
        let json = "{\"file\":\(EventLog.jsonString(file)),\"line\":\(line),\"error\":\(EventLog.jsonString(error)),"
            + "\"text\":\(EventLog.jsonString(String(decoding: text, as: UTF8.self)))}\n"
        out.append(contentsOf: json.utf8)
    }
}

/// Chunks from the parsing threads, handed to the appending thread in file order.
final class ChunkChannel: @unchecked Sendable {
    private let condition = NSCondition()
    private var ready: [Int: Ingestor.Chunk] = [:]
    private var next = 0
    private var total: Int?
    private var failure: Error?
    private var cancelled = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// Stores block `sequence`'s chunk; waits while the appender is far behind (but never for the next one).
    func put(_ sequence: Int, _ chunk: Ingestor.Chunk) {
        condition.lock()
        defer { condition.unlock() }
        while sequence >= next + capacity && !cancelled { condition.wait() }
        guard !cancelled else { return }
        ready[sequence] = chunk
        condition.broadcast()
    }

    /// The reader is done: `blocks` blocks in all, or it failed.
    func finish(blocks: Int, _ error: Error?) {
        condition.lock()
        defer { condition.unlock() }
        total = blocks
        failure = error
        condition.broadcast()
    }

    /// The next chunk in file order; nil once all were taken. A reader failure is thrown after the chunks
    /// before it.
    func take() throws -> Ingestor.Chunk? {
        condition.lock()
        defer { condition.unlock() }
        while ready[next] == nil && (total == nil || next < total!) && !cancelled { condition.wait() }
        if let chunk = ready.removeValue(forKey: next) {
            next += 1
            condition.broadcast()
            return chunk
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

/// Blocks of lines waiting for a parsing thread.
final class BlockQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var blocks: [Ingestor.Block] = []
    private var finished = false
    private var cancelled = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }

    func put(_ block: Ingestor.Block) {
        condition.lock()
        defer { condition.unlock() }
        while blocks.count >= capacity && !cancelled { condition.wait() }
        guard !cancelled else { return }
        blocks.append(block)
        condition.broadcast()
    }

    func finish() {
        condition.lock()
        defer { condition.unlock() }
        finished = true
        condition.broadcast()
    }

    /// The next block; nil when the reader is done and all were taken, or on cancel.
    func take() -> Ingestor.Block? {
        condition.lock()
        defer { condition.unlock() }
        while blocks.isEmpty && !finished && !cancelled { condition.wait() }
        guard !cancelled, !blocks.isEmpty else { return nil }
        condition.broadcast()
        return blocks.removeFirst()
    }

    func cancel() {
        condition.lock()
        defer { condition.unlock() }
        cancelled = true
        condition.broadcast()
    }
}
