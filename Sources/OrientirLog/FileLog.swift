#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import COrientirSupport

/// When an acknowledged append is on disk.
public enum Durability: String, Sendable, CaseIterable {
    /// Each append is written and fsynced on its own before it returns.
    case always
    /// Concurrent appends share one write and one fsync (group commit); an append returns once synced.
    case batch
    /// Appends are written without fsync, by the log's sealing thread beside the appender; `close()` writes
    /// what is left and syncs once. For bulk loads: nothing is durable before `close()`.
    case none
}

/// The file log: a directory of LZ4-compressed, CRC-checked, hash-chained batch segments.
///
/// ```swift
/// try FileLog.create(at: "/var/lib/orientir")
/// let log = try FileLog(directory: "/var/lib/orientir", options: .init(durability: .batch))
/// let outcomes = try log.append([RecordDraft(id: id, stream: "person-p-1", payload: bytes)])
/// try log.read(.all) { record in … }
/// try log.close()
/// ```
/// One process may open a store for writing (an exclusive lock); any number may open it for reading.
/// Format: `Docs/LOG_FORMAT.md`.
public final class FileLog: EventStore, @unchecked Sendable {
    public struct Options: Sendable {
        public var durability: Durability
        public var writable: Bool
        /// A segment is sealed and a new one begun once it holds this many bytes.
        public var segmentBytes: Int
        /// Records per batch at most; larger appends are split into several batches.
        public var maxBatchRecords: Int
        public var compress: Bool
        /// 0: LZ4's fast mode; 1…12: LZ4HC levels (smaller batches, slower writes, same reads).
        public var compressionLevel: Int
        /// Microseconds since the epoch; tests replace it.
        public var clock: @Sendable () -> Int64
        /// Whether each synced round of appends is timed step by step (see ``FileLog/roundTimings``).
        public var timesRounds: Bool

        public init(
            durability: Durability = .batch, writable: Bool = true, segmentBytes: Int = 128 << 20,
            maxBatchRecords: Int = 1000, compress: Bool = true, compressionLevel: Int = 0, clock: @escaping @Sendable () -> Int64 = FileLog.now,
            timesRounds: Bool = false
        ) {
            self.durability = durability
            self.writable = writable
            self.segmentBytes = segmentBytes
            self.maxBatchRecords = maxBatchRecords
            self.compress = compress
            self.compressionLevel = compressionLevel
            self.clock = clock
            self.timesRounds = timesRounds
        }

        public static let reading = Options(writable: false)
    }

    /// What opening the store for writing had to repair.
    public struct Recovery: Sendable, Equatable {
        /// Bytes of a torn or corrupt last batch cut off the active segment.
        public var truncatedBytes: Int = 0
        /// Where the cut was made (segment file and byte offset), when one was made.
        public var truncatedAt: String?
        /// Bytes of an unfinished bulk import rolled back.
        public var rolledBackBytes: Int = 0
        /// Index files that were missing or damaged and were rebuilt.
        public var rebuiltIndexes: Int = 0
    }

    /// How long each step of one round of appends took, in nanoseconds: a round is what one leader commits with
    /// one write and one sync. Recorded when the store is opened with `timesRounds`.
    public struct RoundTiming: Sendable, Equatable {
        /// Append calls the round took from the queue, refused ones and repeats included.
        public var appends: Int
        /// Waiting for the appenders of the last round to queue again (the commit delay; none in mode `always`).
        public var gather: Int64
        /// Taking the group, waiting for the writer's state (held by readers taking a snapshot, `close()` and
        /// a bulk import too), and judging the group: ids, streams, expected versions.
        public var judge: Int64
        /// Laying the records out and sealing the batch (LZ4, CRC-32C, SHA-256); also settling the sealer's
        /// work and, when the segment is full, rolling to a new one.
        public var layout: Int64
        /// The write.
        public var write: Int64
        /// The sync.
        public var sync: Int64
        /// Making the batch visible and handing each appender its result.
        public var bookkeeping: Int64
        /// Waking the appenders.
        public var wake: Int64

        /// The whole round.
        public var total: Int64 { gather + judge + layout + write + sync + bookkeeping + wake }
    }

    public static let storeFileName = "STORE"
    static let lockFileName = "LOCK"
    static let bulkMarkerName = "BULK"
    static let storeFileContent = "orientir-store 1\n"

    public let directory: String
    public let options: Options
    public private(set) var recovery = Recovery()

    private var lockFD: Int32 = -1
    /// The segments and the chain's head live in `files`, which the sealer thread writes through (it never holds
    /// the log itself, so that the log's last release, and its deinit, stay with its users).
    private let files: LogFiles
    private var segments: [Segment] {
        get { files.segments }
        set { files.segments = newValue }
    }
    private var endPosition: UInt64 = 0
    private var lastHash: Digest32 {
        get { files.lastHash }
        set { files.lastHash = newValue }
    }
    private var lastRecordedAt: Int64 = .min
    /// Only while writing: every stored id, and each stream's last version.
    private var tables = WriterTables()
    private var closed = false
    /// Set once a writer's opening (recovery, tables) has completed.
    private var opened = false
    private var bulkActive = false
    private var bulkLimit: UInt64?
    /// Where the writer state staged while a bulk import committed stands, for `close` to put in place if nothing
    /// was appended since.
    private var stagedState: (end: UInt64, hash: Digest32)?
    private var lookupCache = LookupCache()
    /// Reused by every commit (under `state`): no per-append buffers.
    private var builder: BatchBuilder
    private var output: [UInt8] = []
    /// Seals and writes the batches of appends that need no sync, beside the appender (see `BatchSealer`); made
    /// on first use. While it works it owns `segments` and `lastHash`: everyone else calls `settle()` first.
    private var sealer: BatchSealer?

    /// Guards the fields above; held by the committing leader for the whole of a commit.
    private let state = Lock()
    /// Guards the group-commit queue.
    private let queueLock = Lock()
    private var queue: [PendingAppend] = []
    private var leaderActive = false
    /// How many queued appends the leader waits for (0: it does not wait); the last of them signals `arrivals`.
    private var arrivalsAwaited = 0
    private let arrivals = DispatchSemaphore(value: 0)
    /// The rounds timed so far (under queueLock).
    private var timedRounds: [RoundTiming] = []

    /// Each synced round of appends so far, timed step by step, in the order their leaders finished them (a lone
    /// thread may finish its round just after the next leader began one). A round shows here once its leader has
    /// woken every appender it served, which may be just after they return. Empty unless the store was opened
    /// with `timesRounds`. What `orientir bench-append --round-timings` summarises.
    public var roundTimings: [RoundTiming] { queueLock.withLock { timedRounds } }

    /// A round's timing as it is taken (with `timesRounds` only; otherwise it notes nothing): each step's end
    /// sets that step to the time since the one before. Each round has its own, held by its leader.
    private struct RoundMarks {
        private let timed: Bool
        private var last: UInt64 = 0
        private var noted = 0
        private var steps = RoundTiming(appends: 0, gather: 0, judge: 0, layout: 0, write: 0, sync: 0, bookkeeping: 0, wake: 0)
        private static let stepCount = 7

        /// A round begins now.
        init(timed: Bool) {
            self.timed = timed
            if timed { last = DispatchTime.now().uptimeNanoseconds }
        }

        /// Notes that `step` has ended now.
        @inline(__always) mutating func end(_ step: WritableKeyPath<RoundTiming, Int64>) {
            guard timed else { return }
            let now = DispatchTime.now().uptimeNanoseconds
            steps[keyPath: step] = Int64(now - last)
            last = now
            noted += 1
        }

        /// The round's timing, if every step was noted (a round without a synced write has none).
        func timing(appends: Int) -> RoundTiming? {
            guard timed, noted == Self.stepCount else { return nil }
            var timing = steps
            timing.appends = appends
            return timing
        }
    }

    /// The current time in microseconds since the epoch.
    public static let now: @Sendable () -> Int64 = {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec / 1000)
    }

    /// Makes an empty store in `directory` (created if missing); fails if one is already there.
    public static func create(at directory: String) throws(LogError) {
        try FileIO.makeDirectory(directory)
        let marker = directory + "/" + storeFileName
        guard !FileIO.exists(marker) else { throw LogError(.invalidArgument, "a store already exists here", path: directory) }
        try FileIO.writeAtomically(Array(storeFileContent.utf8), to: marker)
    }

    public static func exists(at directory: String) -> Bool { FileIO.exists(directory + "/" + storeFileName) }

    public init(directory: String, options: Options = Options()) throws(LogError) {
        self.directory = directory
        self.options = options
        builder = BatchBuilder(compress: options.compress, compressionLevel: options.compressionLevel)
        files = LogFiles(directory: directory, segmentBytes: options.segmentBytes)
        let marker = directory + "/" + Self.storeFileName
        guard FileIO.exists(marker) else {
            throw LogError(.notFound, "no Orientir store here (run `orientir init` first)", path: directory)
        }
        guard (try? FileIO.readFile(marker)) == Array(Self.storeFileContent.utf8) else {
            throw LogError(.badFormat, "not a store of this format version", path: marker)
        }
        if options.writable {
            try takeLock()
            try rollBackUnfinishedBulk()
            try openSegments()
            try loadWriterState()
            opened = true
        } else {
            try refreshForReading()
        }
    }

    deinit {
        if !closed { try? close() }
        stopCommitter()
    }

    /// Syncs what is unsynced, writes the index files, releases the writer lock. Appends after it fail with
    /// "the store is closed"; reads still work. The writer lock is released even when a sync fails.
    public func close() throws(LogError) {
        try state.withLock { () throws(LogError) in
            guard !closed else { return }
            closed = true
            defer {
                if lockFD >= 0 {
                    Glibc.close(lockFD)
                    lockFD = -1
                }
            }
            if let sealer {
                self.sealer = nil  // later reads have nothing to wait for
                defer { sealer.stop() }
                try sealer.drain()
            }
            // A store whose opening failed part-way saves nothing: its tables may be incomplete.
            guard options.writable, opened, let active = segments.last else { return }
            try FileIO.sync(active.fd, active.path)
            try FileIO.syncDirectory(directory)
            try active.writeIndexFiles()
            if let staged = stagedState, staged.end == endPosition, staged.hash == lastHash {
                try WriterState.promoteStaged(in: directory)
            } else {
                if stagedState != nil { WriterState.discardStaged(in: directory) }
                try WriterState.save(directory, end: endPosition, hash: lastHash, ids: tables.ids, streams: tables.streams)
            }
        }
    }

    // MARK: opening

    private func takeLock() throws(LogError) {
        let path = directory + "/" + Self.lockFileName
        lockFD = try FileIO.open(path, O_RDWR | O_CREAT)
        guard flock(lockFD, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? FileIO.readFile(path)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            Glibc.close(lockFD)
            let who = holder.isEmpty ? "another process" : "process \(holder.trimmingCharacters())"
            throw LogError(.locked, "the store is open for writing by \(who); only one writer at a time", path: directory)
        }
        let pid = Array(String(getpid()).utf8)
        _ = ftruncate(lockFD, 0)
        try FileIO.writeAll(lockFD, pid, at: 0, path)
    }

    private func segmentPositions() throws(LogError) -> [UInt64] {
        try FileIO.listDirectory(directory).compactMap(Segment.position(ofFileName:)).sorted()
    }

    /// Opens every segment: sealed ones through their index (rebuilt if it does not check out), the active one
    /// batch by batch with CRCs, cutting a torn or corrupt last batch and refusing corruption anywhere else.
    private func openSegments() throws(LogError) {
        let positions = try segmentPositions()
        var expected: UInt64 = 0
        var previous = Digest32.zero
        for (i, first) in positions.enumerated() {
            let segment = try Segment(directory: directory, firstPosition: first, writable: i == positions.count - 1)
            guard first == expected else {
                throw LogError(.corrupt, "segment starts at position \(first), expected \(expected)", path: segment.path)
            }
            if i == positions.count - 1 {
                try recoverActive(segment, previousHash: previous)
            } else {
                try openSealed(segment, previousHash: previous)
            }
            segments.append(segment)
            expected = segment.endPosition
            previous = segment.lastHash
            if let t = segment.lastRecordedAt { lastRecordedAt = t }
        }
        if segments.isEmpty {
            let segment = try Segment(directory: directory, firstPosition: 0, writable: true, create: true)
            try FileIO.syncDirectory(directory)
            segments.append(segment)
        }
        endPosition = expected
        lastHash = previous
    }

    private func openSealed(_ segment: Segment, previousHash: Digest32) throws(LogError) {
        let mapped = try segment.map(upTo: segment.size)
        if let entries = segment.loadIndexFiles(mapped.bytes) {
            segment.index = entries
            // Only the tail after the last entry needs a walk to find the segment's end and hash.
            let last = entries[entries.count - 1]
            let (end, stop) = Segment.walk(
                mapped.bytes, from: last.offset, expectedPosition: last.position, previousHash: nil, checksums: false
            ) { header, offset in segment.noteBatch(header, at: offset) }
            segment.index = entries
            if stop == nil && end == segment.size {
                if entries[0].offset == 0, segment.index.first?.position == segment.firstPosition {
                    let firstPrevious = Digest32(
                        UnsafeRawBufferPointer(rebasing: mapped.bytes[0..<BatchHeader.size]), at: BatchHeader.Offset.previousHash)
                    guard firstPrevious == previousHash else {
                        throw LogError(.corrupt, "hash chain broken at the first batch", path: segment.path, offset: 0)
                    }
                }
                return
            }
        }
        segment.index = []
        recovery.rebuiltIndexes += 1
        let (_, stop) = Segment.walk(
            mapped.bytes, from: 0, expectedPosition: segment.firstPosition, previousHash: previousHash, checksums: false
        ) { header, offset in segment.noteBatch(header, at: offset) }
        if let stop {
            throw LogError(
                .corrupt, "sealed segment is damaged: \(stop.reason); run `orientir verify`", path: segment.path,
                offset: stop.offset)
        }
        try segment.writeIndexFiles()
    }

    private func recoverActive(_ segment: Segment, previousHash: Digest32) throws(LogError) {
        let mapped = try segment.map(upTo: segment.size)
        let (end, stop) = Segment.walk(
            mapped.bytes, from: 0, expectedPosition: segment.firstPosition, previousHash: previousHash, checksums: true
        ) { header, offset in segment.noteBatch(header, at: offset) }
        guard let stop else { return }
        // A cut is safe only when nothing sound follows: a torn write, or a corrupt last batch.
        if case .truncated = stop.kind {} else if Self.soundBatchFollows(mapped.bytes, after: end) {
            throw LogError(
                .corrupt, "\(stop.reason), and sound batches follow; refusing to cut them off", path: segment.path,
                offset: end, position: segment.endPosition)
        }
        recovery.truncatedBytes += segment.size - end
        recovery.truncatedAt = "\(segment.path) at byte \(end)"
        try FileIO.truncate(segment.fd, to: end, segment.path)
        try FileIO.sync(segment.fd, segment.path)
        segment.size = end
    }

    /// Whether a batch with a valid header and CRC starts anywhere after `offset`.
    static func soundBatchFollows(_ bytes: UnsafeRawBufferPointer, after offset: Int) -> Bool {
        var candidate = offset + 1
        while candidate + BatchHeader.size <= bytes.count {
            let header = UnsafeRawBufferPointer(rebasing: bytes[candidate..<candidate + BatchHeader.size])
            if case .success(let h) = BatchHeader.read(from: header), bytes.count - candidate >= h.totalLength,
                BatchHeader.computeCRC(UnsafeRawBufferPointer(rebasing: bytes[candidate..<candidate + h.totalLength]))
                    == h.crc
            {
                return true
            }
            candidate += 1
        }
        return false
    }

    /// Reads every record once to learn each id and each stream's version.
    private func loadWriterState() throws(LogError) {
        if let (savedIDs, savedStreams) = WriterState.load(directory, end: endPosition, hash: lastHash) {
            tables.ids = savedIDs
            tables.streams = savedStreams
            return
        }
        var ids = IDTable(capacity: Int(endPosition))
        var streams = StreamTable()
        do {
            try readUnlocked(.all, segments: snapshot()) { record in
                ids.insert(ids.fingerprint(record.id), record.position)
                streams[record.streamName] = record.streamVersion
            }
        } catch let error as LogError {
            throw error
        } catch {
            throw LogError(.io, "\(error)", path: directory)
        }
        // Only complete tables: a scan that fails part-way leaves the store unopened.
        tables.ids = ids
        tables.streams = streams
    }

    private func refreshForReading() throws(LogError) {
        bulkLimit = Self.readBulkMarker(directory)?.endPosition
        let positions = try segmentPositions()
        var kept: [Segment] = []
        for first in positions {
            if let existing = segments.first(where: { $0.firstPosition == first }) {
                existing.size = try FileIO.size(existing.fd, existing.path)
                kept.append(existing)
            } else {
                let segment = try Segment(directory: directory, firstPosition: first, writable: false)
                kept.append(segment)
            }
        }
        for segment in kept where segment.index.isEmpty && segment.size > 0 {
            let mapped = try segment.map(upTo: segment.size)
            if let entries = segment.loadIndexFiles(mapped.bytes) { segment.index = entries }
        }
        segments = kept
    }

    // MARK: appending

    /// One caller's append while it waits: it is woken once, with its result.
    private final class PendingAppend: @unchecked Sendable {
        let drafts: [RecordDraft]
        var result: Result<[AppendOutcome], LogError>?
        /// How the appender waits: a blocked thread, or a suspended task.
        private let semaphore: DispatchSemaphore?
        private let continuation: UnsafeContinuation<Result<[AppendOutcome], LogError>, Never>?

        init(_ drafts: [RecordDraft]) {
            self.drafts = drafts
            semaphore = DispatchSemaphore(value: 0)
            continuation = nil
        }

        init(_ drafts: [RecordDraft], continuation: UnsafeContinuation<Result<[AppendOutcome], LogError>, Never>) {
            self.drafts = drafts
            semaphore = nil
            self.continuation = continuation
        }

        /// Blocks a thread appender until it is served.
        func wait() { semaphore!.wait() }

        /// Wakes the appender with its result.
        func wake() {
            if let continuation { continuation.resume(returning: result!) } else { semaphore!.signal() }
        }
    }

    /// A thread of the log's own that leads group commits: for appenders that are tasks (a suspended task cannot
    /// lead, and a cooperative thread must not block on a sync), and for appender threads once the one that led
    /// has its own append done (it goes back to its caller instead of committing for the others).
    private final class Committer: @unchecked Sendable {
        let wakeUp = DispatchSemaphore(value: 0)
        var stopping = false  // under queueLock
        /// Appenders seen lately by the thread that handed the role over (under queueLock).
        var active = 0
    }

    private var committer: Committer?  // under queueLock

    /// Appends `drafts` atomically per the store's durability; concurrent callers share writes in `batch` mode.
    ///
    /// Each draft whose id is stored already with the same content comes back `.duplicate` and is not stored
    /// again; the same id with other content throws `.idConflict`, a failed expectation `.versionConflict`,
    /// and then none of the drafts is stored.
    ///
    /// Group commit: the first caller to find no leader becomes one and commits everything queued as one
    /// write and one sync, and wakes exactly the callers it served. Once its own append is done it returns; if
    /// others are about, the log's committer thread leads on while appends keep arriving. A lone appender thus
    /// writes and syncs on its own thread, and many share each sync. Nobody waits on a shared condition.
    public func append(_ drafts: [RecordDraft]) throws(LogError) -> [AppendOutcome] {
        guard options.writable else { throw LogError(.invalidArgument, "the store was opened for reading", path: directory) }
        if drafts.isEmpty { return [] }
        let me = PendingAppend(drafts)
        queueLock.lock()
        let complete = enqueue(me)
        if leaderActive {
            queueLock.unlock()
            if complete { arrivals.signal() }
            me.wait()
        } else {
            leaderActive = true
            queueLock.unlock()
            lead(me)
        }
        return try me.result!.get()
    }

    /// Appends like ``append(_:)-(_)`` but suspends the task instead of blocking its thread; what a server's
    /// request handlers call. The task joins the same group commit as thread appenders; the log's own
    /// committer thread writes and syncs for it, so thousands of concurrent appends need no thread each.
    public func append(_ drafts: [RecordDraft]) async throws(LogError) -> [AppendOutcome] {
        guard options.writable else { throw LogError(.invalidArgument, "the store was opened for reading", path: directory) }
        if drafts.isEmpty { return [] }
        let result = await withUnsafeContinuation { (continuation: UnsafeContinuation<Result<[AppendOutcome], LogError>, Never>) in
            let me = PendingAppend(drafts, continuation: continuation)
            queueLock.lock()
            let complete = enqueue(me)
            let wakeCommitter = !leaderActive
            if wakeCommitter { leaderActive = true }
            let committer = wakeCommitter ? startedCommitter() : nil
            queueLock.unlock()
            if complete { arrivals.signal() }
            committer?.wakeUp.signal()
        }
        return try result.get()
    }

    /// The committer thread, started on first use (under queueLock).
    private func startedCommitter() -> Committer {
        if let committer { return committer }
        let made = Committer()
        committer = made
        startThread { [weak self] in
            while true {
                made.wakeUp.wait()
                guard let log = self else { return }
                // The hint is for this wake-up only: a task that wakes the committer later starts it afresh.
                let (stop, active) = log.queueLock.withLock {
                    defer { made.active = 0 }
                    return (made.stopping, made.active)
                }
                if stop { return }
                log.lead(nil, active: active)
            }
        }
        return made
    }

    /// Ends the committer thread (on close).
    private func stopCommitter() {
        let made: Committer? = queueLock.withLock {
            committer?.stopping = true
            return committer
        }
        made?.wakeUp.signal()
    }

    /// Gives the appenders served by the last round a moment to come back before the next one is written
    /// (a commit delay): the leader waits, at most `commitDelayMicroseconds`, until as many appends are queued as
    /// there were appenders about in the last round (those it carried and those that queued meanwhile). One
    /// sync then serves them all instead of a trickle of small groups.
    private func gatherArrivals(expecting count: Int) {
        guard count > 1 else { return }
        // Most come back within tens of microseconds: yield the CPU to them for a while before sleeping (a sleep
        // and its wake-up cost more than that on a busy 2-core machine).
        let spinUntil = FileLog.now() + Self.yieldMicroseconds
        while queueLock.withLock({ queue.count }) < count && FileLog.now() < spinUntil { sched_yield() }
        queueLock.lock()
        if queue.count >= count {
            queueLock.unlock()
            return
        }
        arrivalsAwaited = count
        queueLock.unlock()
        let timedOut = arrivals.wait(timeout: .now() + .microseconds(Self.commitDelayMicroseconds)) == .timedOut
        queueLock.lock()
        // Timed out, but the count was reached meanwhile: take the signal that is on its way.
        if timedOut && arrivalsAwaited == 0 { arrivals.wait() }
        arrivalsAwaited = 0
        queueLock.unlock()
    }

    /// Queues an append (under queueLock); true when it completes the count a leader awaits, which the caller
    /// then signals on `arrivals` once the lock is released.
    private func enqueue(_ pending: PendingAppend) -> Bool {
        queue.append(pending)
        guard arrivalsAwaited > 0, queue.count >= arrivalsAwaited else { return false }
        arrivalsAwaited = 0
        return true
    }

    private static let commitDelayMicroseconds = 200
    private static let yieldMicroseconds: Int64 = 120

    /// Commits rounds of queued appends until the queue stays empty or the role passes on. `me` is the leading
    /// thread appender's own append, or nil on the committer thread, which never passes the role on; `seen` is how
    /// many appenders the thread that handed the role over saw about.
    ///
    /// A thread leads until its own append is done, then returns: alone, giving the role up; with others about,
    /// handing it to the committer thread. After a round the committer waits (the commit delay) for the appenders
    /// it just served to come back before it lets the role go: otherwise the first of them would start a group of
    /// one.
    private func lead(_ me: PendingAppend?, active seen: Int = 0) {
        // Appenders seen lately: the last group, and those that queued while it was being written.
        var active = seen
        while true {
            var marks = RoundMarks(timed: options.timesRounds)
            if options.durability == .batch { gatherArrivals(expecting: active) }
            marks.end(\.gather)
            queueLock.lock()
            if queue.isEmpty {
                leaderActive = false
                queueLock.unlock()
                return
            }
            let group = options.durability == .always ? [queue[0]] : Array(queue)
            queueLock.unlock()

            let results = state.withLock { commit(group.map(\.drafts), sync: options.durability != .none, marks: &marks) }

            queueLock.lock()
            for (pending, result) in zip(group, results) { pending.result = result }
            queue.removeFirst(group.count)
            active = group.count + queue.count
            // A thread whose own append is done goes back to its caller: while others are about, the committer
            // thread leads on (the thread's caller may be one of them, with its next append); alone (nothing is
            // queued, as `active` counts the queue), it gives the role up.
            let mineDone = me?.result != nil
            let successor = mineDone && active > 1 ? startedCommitter() : nil
            successor?.active = active
            if mineDone && successor == nil { leaderActive = false }
            queueLock.unlock()
            marks.end(\.bookkeeping)
            for pending in group where pending !== me { pending.wake() }
            marks.end(\.wake)
            if let timing = marks.timing(appends: group.count) { queueLock.withLock { timedRounds.append(timing) } }
            if let successor { successor.wakeUp.signal() }
            if mineDone { return }
        }
    }

    /// Writes several appends as one group: each is judged alone, the accepted ones share a write and a sync.
    private func commit(
        _ requests: [[RecordDraft]], sync: Bool, marks: inout RoundMarks
    ) -> [Result<[AppendOutcome], LogError>] {
        guard !closed else { return requests.map { _ in .failure(LogError(.invalidArgument, "the store is closed")) } }
        var (results, undo) = tables.judge(requests, endPosition: endPosition) { position, body throws(LogError) in
            try settle()
            try lookupCache.withRecord(at: position, in: segments, body)
        }
        if tables.accepted.isEmpty { return results }
        marks.end(\.judge)
        do {
            try write(requests, accepted: tables.accepted, versions: tables.acceptedVersions, sync: sync, marks: &marks)
        } catch {
            undo.revert(&tables, requests)
            results = requests.map { _ in .failure(error) }
        }
        return results
    }

    /// The first limit `draft` breaks, if any; read in place, as a copy would retain and release its arrays.
    fileprivate static func check(_ draft: UnsafePointer<RecordDraft>) -> LogError? {
        if draft.pointee.id.isEmpty || draft.pointee.id.count > RecordDraft.maxIDLength {
            return LogError(.invalidArgument, "an id must have 1 to \(RecordDraft.maxIDLength) bytes")
        }
        if draft.pointee.stream.isEmpty || draft.pointee.stream.utf8.count > 255 {
            return LogError(.invalidArgument, "a stream name must have 1 to 255 bytes")
        }
        if draft.pointee.payload.count > BatchHeader.maxPayloadLength / 2 {
            return LogError(.invalidArgument, "a record may hold at most \(BatchHeader.maxPayloadLength / 2) bytes")
        }
        return nil
    }

    fileprivate static func describe(_ expected: ExpectedVersion) -> String {
        switch expected {
        case .any: "any"
        case .noStream: "no events"
        case .exactly(let v): "version \(v)"
        }
    }

    fileprivate static func idConflict(_ draft: RecordDraft, stored: UInt64? = nil) -> LogError {
        let hex = draft.id.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
        return LogError(
            .idConflict,
            "id \(hex.joined()) is already stored with other content"
                + (stored.map { " at position \($0)" } ?? " earlier in this append") + "; nothing was written",
            position: stored)
    }

    /// Encodes, writes and (if asked) syncs the accepted records of `requests`, then makes them visible.
    ///
    /// Without a sync the batches go to the sealer, and the call returns once they are laid out; a failure to
    /// write them shows at the next append, read or `close()`. `marks` notes when the layout, the write and the
    /// sync ended.
    private func write(
        _ requests: [[RecordDraft]], accepted: [(Int32, Int32)], versions: [UInt64], sync: Bool,
        marks: inout RoundMarks
    ) throws(LogError) {
        if !sync { return try handOver(requests, accepted: accepted, versions: versions) }
        try settle()
        if let active = segments.last, active.size >= options.segmentBytes { try roll(at: endPosition) }
        let active = segments[segments.count - 1]
        let recordedAt = max(options.clock(), lastRecordedAt)
        output.removeAll(keepingCapacity: true)
        var headers: [(BatchHeader, Int)] = []
        var previous = lastHash
        var position = endPosition
        var start = 0
        while start < accepted.count {
            let stop = min(start + options.maxBatchRecords, accepted.count)
            builder.reset()
            Self.layOut(&builder, requests, accepted[start..<stop], versions, recordedAt)
            let offset = active.size + output.count
            let header = builder.seal(firstPosition: position, previousHash: previous, into: &output)
            headers.append((header, offset))
            previous = header.hash
            position = header.endPosition
            start = stop
        }
        do throws(LogError) {
            marks.end(\.layout)
            try FileIO.writeAll(active.fd, output, at: active.size, active.path)
            marks.end(\.write)
            try FileIO.sync(active.fd, active.path)
            marks.end(\.sync)
        } catch {
            try? FileIO.truncate(active.fd, to: active.size, active.path)
            throw error
        }
        for (header, offset) in headers { active.noteBatch(header, at: offset) }
        active.size += output.count
        endPosition = position
        lastHash = previous
        lastRecordedAt = recordedAt
    }

    /// Lays the accepted records out in batches and hands them to the sealer.
    private func handOver(_ requests: [[RecordDraft]], accepted: [(Int32, Int32)], versions: [UInt64]) throws(LogError) {
        let sealer = startedSealer()
        if let failure = sealer.failure { throw failure }
        let recordedAt = max(options.clock(), lastRecordedAt)
        var position = endPosition
        var start = 0
        while start < accepted.count {
            let stop = min(start + options.maxBatchRecords, accepted.count)
            var builder = sealer.takeBuilder()
            Self.layOut(&builder, requests, accepted[start..<stop], versions, recordedAt)
            sealer.submit(builder, firstPosition: position, startsAppend: start == 0)
            position += UInt64(stop - start)
            start = stop
        }
        endPosition = position
        lastRecordedAt = recordedAt
    }

    /// Adds the drafts at `accepted` (by request and index) to `builder`.
    private static func layOut(
        _ builder: inout BatchBuilder, _ requests: [[RecordDraft]], _ accepted: ArraySlice<(Int32, Int32)>,
        _ versions: [UInt64], _ recordedAt: Int64
    ) {
        for i in accepted.indices {
            let (r, d) = accepted[i]
            requests[Int(r)].withUnsafeBufferPointer { drafts in
                let draft = drafts.baseAddress! + Int(d)  // borrowed in place: no copy, no retains
                draft.pointee.id.withUnsafeBytes { id in
                    withUTF8(draft.pointee.stream) { name in
                        draft.pointee.contentKey.withUnsafeBytes { key in
                            draft.pointee.payload.withUnsafeBytes { payload in
                                builder.add(
                                    recordedAt: recordedAt, streamVersion: versions[i], id: id,
                                    stream: name, contentKey: key, payload: payload)
                            }
                        }
                    }
                }
            }
        }
    }

    /// The sealer, started on first use (under the state lock).
    private func startedSealer() -> BatchSealer {
        if let sealer { return sealer }
        let options = self.options
        let files = self.files
        let made = BatchSealer(
            makeBuilder: { BatchBuilder(compress: options.compress, compressionLevel: options.compressionLevel) },
            seal: { (builder: inout BatchBuilder, firstPosition: UInt64, startsAppend: Bool) throws(LogError) in
                try files.sealAndWrite(&builder, firstPosition: firstPosition, startsAppend: startsAppend)
            })
        sealer = made
        return made
    }

    /// Waits until every batch handed to the sealer is written, so that `segments` and `lastHash` are the
    /// log's own again (under the state lock); throws what stopped the sealer, if anything did.
    private func settle() throws(LogError) {
        try sealer?.drain()
    }

    /// The UTF-8 bytes of `text`, without a copy when it is stored contiguously (as native strings are).
    @inline(__always)
    private static func withUTF8<T>(_ text: String, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        if let result = text.utf8.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) { return result }
        var copy = text
        return copy.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }

    /// Seals the active segment (synced, indexes written) and starts the next one at `position`.
    private func roll(at position: UInt64) throws(LogError) { try files.roll(at: position) }

    // MARK: bulk import

    /// Appends inside `body` as one all-or-nothing import: if `body` throws, or the process dies before the end,
    /// the store is left byte for byte as it was. Appends of other callers wait until it ends.
    /// Nothing is synced until the end, where one sync makes the whole import durable.
    ///
    /// `alongsideCommit` is the caller's own work that must be done before the import commits (a keystore made
    /// durable before the data it seals): it runs on a thread of its own while the segments are synced, and if it
    /// throws the import is rolled back as if `body` had thrown.
    public func withBulkImport<T>(
        alongsideCommit: (@Sendable () throws -> Void)? = nil, _ body: (BulkImport) throws -> T
    ) throws -> T {
        guard options.writable else { throw LogError(.invalidArgument, "the store was opened for reading", path: directory) }
        state.lock()
        defer { state.unlock() }
        guard !closed else { throw LogError(.invalidArgument, "the store is closed") }
        guard !bulkActive else { throw LogError(.invalidArgument, "a bulk import is already running") }
        try settle()
        let active = segments[segments.count - 1]
        let marker = BulkMarker(segmentPosition: active.firstPosition, segmentSize: active.size, endPosition: endPosition)
        try FileIO.sync(active.fd, active.path)
        try FileIO.writeAtomically(marker.bytes, to: directory + "/" + Self.bulkMarkerName)
        bulkActive = true
        defer { bulkActive = false }
        let importer = BulkImport(self)
        let result: T
        do {
            result = try body(importer)
        } catch {
            try rollBack(to: marker)
            throw error
        }
        // Beside the syncs: the caller's work, and the writer state for `close` (encoding and writing it take as
        // long as a sync on a large log; it is staged, and put in place by `close`). Both end before this returns.
        var callerWork: BackgroundWork<Void>?
        var staging: BackgroundWork<(UInt64, Digest32)>?
        do {
            try settle()
            callerWork = alongsideCommit.map { BackgroundWork($0) }
            let tablesNow = UncheckedSendable((endPosition, lastHash, tables.ids, tables.streams, directory))
            staging = BackgroundWork {
                let (end, hash, ids, streams, directory) = tablesNow.value
                try WriterState.stage(WriterState.encode(end: end, hash: hash, ids: ids, streams: streams), in: directory)
                return (end, hash)
            }
            for segment in segments where segment.firstPosition >= marker.segmentPosition {
                try FileIO.sync(segment.fd, segment.path)
            }
            try FileIO.syncDirectory(directory)
            try callerWork?.wait()
            stagedState = try? staging?.wait()
            try FileIO.remove(directory + "/" + Self.bulkMarkerName)
            try FileIO.syncDirectory(directory)
        } catch {
            _ = try? callerWork?.wait()
            if (try? staging?.wait()) != nil { WriterState.discardStaged(in: directory) }
            try rollBack(to: marker)
            throw error
        }
        return result
    }

    /// Appends on behalf of a running bulk import (the state lock is held by `withBulkImport`).
    fileprivate func bulkAppend(_ drafts: [RecordDraft]) throws(LogError) -> [AppendOutcome] {
        guard bulkActive else { throw LogError(.invalidArgument, "the bulk import has ended") }
        var untimed = RoundMarks(timed: false)
        return try commit([drafts], sync: false, marks: &untimed)[0].get()
    }

    fileprivate func bulkPosition(ofID id: [UInt8]) -> UInt64? { storedPosition(ofID: id) }

    fileprivate func bulkReserve(_ records: Int) {
        tables.ids.reserveCapacity(tables.ids.count + records)
        tables.streams.reserveCapacity(tables.streams.count + records / 8)
    }

    fileprivate func bulkRecord(at position: UInt64) throws -> LogRecord? {
        try settle()
        var found: LogRecord?
        try readUnlocked(ReadRange(positions: position..<position + 1), segments: snapshot()) {
            found = $0.copy()
        }
        return found
    }

    fileprivate func bulkRead(_ range: ReadRange, _ body: (RecordView) throws -> Void) throws {
        try settle()
        try readUnlocked(range, segments: snapshot(), body)
    }

    private func rollBack(to marker: BulkMarker) throws(LogError) {
        try? settle()  // what was handed over is written (or dropped after a failure) before the cut
        sealer?.reset()
        try Self.truncate(directory, to: marker)
        segments = []
        tables = WriterTables()
        lastRecordedAt = .min
        lookupCache = LookupCache()
        try openSegments()
        try loadWriterState()
    }

    private func rollBackUnfinishedBulk() throws(LogError) {
        guard let marker = Self.readBulkMarker(directory) else { return }
        recovery.rolledBackBytes = try Self.truncate(directory, to: marker)
    }

    /// Cuts the store back to `marker`; returns the bytes removed.
    @discardableResult
    private static func truncate(_ directory: String, to marker: BulkMarker) throws(LogError) -> Int {
        var removed = 0
        for name in try FileIO.listDirectory(directory) {
            guard let first = Segment.position(ofFileName: name) else { continue }
            let path = directory + "/" + name
            if first > marker.segmentPosition {
                let fd = try FileIO.open(path, O_RDONLY)
                removed += (try? FileIO.size(fd, path)) ?? 0
                Glibc.close(fd)
                try FileIO.remove(path)
                try FileIO.remove(String(path.dropLast(3)) + Segment.positionIndexExtension)
                try FileIO.remove(String(path.dropLast(3)) + Segment.timeIndexExtension)
            } else if first == marker.segmentPosition {
                let fd = try FileIO.open(path, O_RDWR)
                defer { Glibc.close(fd) }
                let size = try FileIO.size(fd, path)
                if size > marker.segmentSize {
                    removed += size - marker.segmentSize
                    try FileIO.truncate(fd, to: marker.segmentSize, path)
                    try FileIO.sync(fd, path)
                }
            }
        }
        try FileIO.syncDirectory(directory)
        try FileIO.remove(directory + "/" + bulkMarkerName)
        try FileIO.syncDirectory(directory)
        return removed
    }

    struct BulkMarker: Equatable {
        var segmentPosition: UInt64
        var segmentSize: Int
        var endPosition: UInt64

        var bytes: [UInt8] {
            var out = Array("OBLK".utf8)
            for value in [segmentPosition, UInt64(segmentSize), endPosition] {
                withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
            }
            return out
        }
    }

    static func readBulkMarker(_ directory: String) -> BulkMarker? {
        guard let bytes = try? FileIO.readFile(directory + "/" + bulkMarkerName), bytes.count == 28,
            bytes.prefix(4).elementsEqual("OBLK".utf8)
        else { return nil }
        return bytes.withUnsafeBytes { raw in
            BulkMarker(
                segmentPosition: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 4, as: UInt64.self)),
                segmentSize: Int(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 12, as: UInt64.self))),
                endPosition: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 20, as: UInt64.self)))
        }
    }

    // MARK: reading

    public func read(_ range: ReadRange, _ body: (RecordView) throws -> Void) throws {
        let snapshot: [SegmentSnapshot] = try state.withLock { () throws(LogError) in
            if options.writable { try settle() } else { try refreshForReading() }
            return self.snapshot()
        }
        var limited = range
        if let limit = options.writable ? nil : bulkLimit {
            limited.positions = limited.positions.lowerBound..<min(limited.positions.upperBound, limit)
        }
        try readUnlocked(limited, segments: snapshot, body)
    }

    /// Each segment with its size and sparse index as they are now (under the state lock, settled): a reader
    /// works on these while the writer goes on adding to the segments.
    private func snapshot() -> [SegmentSnapshot] {
        segments.map { SegmentSnapshot(segment: $0, size: $0.size, index: $0.index) }
    }

    /// Whether a record's stream is `name` (its UTF-8 bytes): lengths first, then one memcmp.
    @inline(__always)
    private static func same(_ stream: UnsafeRawBufferPointer, _ name: [UInt8]) -> Bool {
        guard stream.count == name.count else { return false }
        if name.isEmpty { return true }
        return name.withUnsafeBytes { memcmp($0.baseAddress!, stream.baseAddress!, stream.count) == 0 }
    }

    /// Reads `range` from the given segments and sizes, checking each batch's CRC on the way.
    private func readUnlocked(
        _ range: ReadRange, segments snapshot: [SegmentSnapshot], _ body: (RecordView) throws -> Void
    ) throws {
        var payload = BatchPayload()
        let streamBytes = range.stream.map { Array($0.utf8) }
        for (number, taken) in snapshot.enumerated() {
            let segment = taken.segment
            let nextFirst = number + 1 < snapshot.count ? snapshot[number + 1].segment.firstPosition : UInt64.max
            if nextFirst <= range.positions.lowerBound { continue }
            if segment.firstPosition >= range.positions.upperBound { break }
            let isLast = number == snapshot.count - 1
            let mapped = try segment.map(upTo: taken.size)
            var start = Segment.offset(in: taken.index, forPosition: range.positions.lowerBound)
            if let since = range.since { start = max(start, Segment.offset(in: taken.index, forInstant: since)) }
            var done = false
            var walkError: Error?
            let (_, stop) = Segment.walk(
                mapped.bytes, from: start, expectedPosition: nil, previousHash: nil, checksums: true
            ) { header, offset in
                guard !done, walkError == nil else { return }
                if header.endPosition <= range.positions.lowerBound { return }
                if let since = range.since, header.maxRecordedAt < since { return }
                if header.firstPosition >= range.positions.upperBound { done = true; return }
                if let before = range.before, header.minRecordedAt >= before { done = true; return }
                let stored = UnsafeRawBufferPointer(
                    rebasing: mapped.bytes[offset + BatchHeader.size..<offset + header.totalLength])
                guard payload.load(header, stored: stored) else {
                    walkError = LogError(.corrupt, "batch payload does not decompress", path: segment.path,
                                         offset: offset, position: header.firstPosition)
                    return
                }
                do {
                    let parsed = try payload.forEach(header) { record in
                        if record.position < range.positions.lowerBound { return true }
                        if record.position >= range.positions.upperBound { done = true; return false }
                        if let since = range.since, record.recordedAt < since { return true }
                        if let before = range.before, record.recordedAt >= before { done = true; return false }
                        if let streamBytes, !Self.same(record.stream, streamBytes) { return true }
                        try body(record)
                        return true
                    }
                    if !parsed {
                        walkError = LogError(.corrupt, "batch records do not decode", path: segment.path,
                                             offset: offset, position: header.firstPosition)
                    }
                } catch {
                    walkError = error
                }
            }
            if let walkError { throw walkError }
            if done { return }
            if let stop {
                // A reader may see the writer's last batch half-written: that is the end, not damage.
                if isLast && !options.writable && stop.kind == .truncated { return }
                throw LogError(.corrupt, stop.reason, path: segment.path, offset: stop.offset)
            }
        }
    }

    /// The log's head; for a reader, as the files stand now.
    public func head() throws(LogError) -> LogHead {
        try state.withLock { () throws(LogError) in
            if options.writable {
                try settle()
                return LogHead(endPosition: endPosition, hash: lastHash,
                               lastRecordedAt: lastRecordedAt == .min ? nil : lastRecordedAt)
            }
            try refreshForReading()
            var end: UInt64 = 0
            var hash = Digest32.zero
            var last: Int64?
            for segment in segments {
                let mapped = try segment.map(upTo: segment.size)
                let from = segment.index.last?.offset ?? 0
                segment.endPosition = segment.index.last?.position ?? segment.firstPosition
                _ = Segment.walk(mapped.bytes, from: from, expectedPosition: nil, previousHash: nil, checksums: true) {
                    header, _ in
                    if let limit = bulkLimit, header.endPosition > limit { return }
                    end = header.endPosition
                    hash = header.hash
                    last = header.maxRecordedAt
                }
            }
            return LogHead(endPosition: end, hash: hash, lastRecordedAt: last)
        }
    }

    public func streamVersion(of stream: String) throws(LogError) -> UInt64? {
        if options.writable {
            return try state.withLock { () throws(LogError) in
                try settle()  // after a failed write, no version of what was never written
                return tables.streams[stream]
            }
        }
        var version: UInt64?
        do {
            try read(ReadRange(stream: stream)) { version = $0.streamVersion }
        } catch let error as LogError {
            throw error
        } catch {
            throw LogError(.io, "\(error)")
        }
        return version
    }

    /// The position of the record stored under `id`, if any (writers only: readers have no id table).
    public func position(ofID id: [UInt8]) -> UInt64? {
        state.withLock { storedPosition(ofID: id) }
    }

    /// The position of `id` by its fingerprint, confirmed against the stored record (under the state lock).
    private func storedPosition(ofID id: [UInt8]) -> UInt64? {
        try? settle()
        return tables.ids.first(tables.ids.fingerprint(id)) { position in
            var same = false
            try? lookupCache.withRecord(at: position, in: segments) { same = $0.id == id }
            return same
        }
    }

    /// The record at `position`, if stored.
    public func record(at position: UInt64) throws -> LogRecord? {
        var found: LogRecord?
        try read(ReadRange(positions: position..<position + 1)) { found = $0.copy() }
        return found
    }

    /// Segment files, in order, with their sizes: what `stats` and `verify` walk.
    public func segmentFiles() -> [(path: String, size: Int)] {
        state.withLock {
            try? settle()
            return segments.map { ($0.path, $0.size) }
        }
    }
}

/// The handle a bulk import appends through.
public struct BulkImport: @unchecked Sendable {
    private let log: FileLog
    fileprivate init(_ log: FileLog) { self.log = log }

    public func append(_ drafts: [RecordDraft]) throws(LogError) -> [AppendOutcome] {
        try log.bulkAppend(drafts)
    }

    /// Makes room for about `records` more ids, so the id table does not grow step by step.
    public func reserveCapacity(records: Int) { log.bulkReserve(records) }

    /// The position of the record stored under `id`, counting what this import appended so far.
    public func position(ofID id: [UInt8]) -> UInt64? { log.bulkPosition(ofID: id) }

    /// The record at `position`, counting what this import appended so far.
    public func record(at position: UInt64) throws -> LogRecord? { try log.bulkRecord(at: position) }

    /// Reads the log as it stands inside the import.
    public func read(_ range: ReadRange, _ body: (RecordView) throws -> Void) throws { try log.bulkRead(range, body) }
}

/// Keeps the last decompressed batch so that lookups of neighbouring positions cost one decompression.
struct LookupCache {
    private var header: BatchHeader?
    private var payload = BatchPayload()
    private var records: [LogRecord] = []

    mutating func withRecord(at position: UInt64, in segments: [Segment], _ body: (LogRecord) -> Void) throws(LogError) {
        if let header, position >= header.firstPosition, position < header.endPosition {
            body(records[Int(position - header.firstPosition)])
            return
        }
        guard let segment = segments.last(where: { $0.firstPosition <= position }) else {
            throw LogError(.notFound, "no record at position \(position)")
        }
        let mapped = try segment.map(upTo: segment.size)
        var found: (BatchHeader, Int)?
        _ = Segment.walk(
            mapped.bytes, from: segment.offset(forPosition: position), expectedPosition: nil, previousHash: nil,
            checksums: false
        ) { h, offset in
            if found == nil, position >= h.firstPosition, position < h.endPosition { found = (h, offset) }
        }
        guard let (h, offset) = found else { throw LogError(.notFound, "no record at position \(position)") }
        let stored = UnsafeRawBufferPointer(rebasing: mapped.bytes[offset + BatchHeader.size..<offset + h.totalLength])
        var decoded: [LogRecord] = []
        guard payload.load(h, stored: stored), payload.forEach(h, { decoded.append($0.copy()); return true }) else {
            throw LogError(.corrupt, "batch payload does not decode", path: segment.path, offset: offset)
        }
        header = h
        records = decoded
        body(records[Int(position - h.firstPosition)])
    }
}

extension String {
    func trimmingCharacters() -> String {
        String(self.drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed())
    }
}

/// A segment, its size and its sparse index, taken together under the state lock.
struct SegmentSnapshot {
    let segment: Segment
    let size: Int
    let index: [IndexEntry]
}

/// What the writer knows of the log to judge appends (every id, each stream's version), with the scratch space
/// of a commit. A commit works on it as one value: no dynamic exclusivity check per record.
struct WriterTables {
    var ids = IDTable()
    var streams = StreamTable()
    /// The accepted drafts of the commit being judged, by (request, index): not copied, since a draft holds four
    /// buffers to retain and release; and their stream versions.
    private(set) var accepted: [(Int32, Int32)] = []
    private(set) var acceptedVersions: [UInt64] = []
    private var fingerprints: [UInt64] = []
    private var streamHashes: [UInt64] = []
    private var touchSink: UInt64 = 0

    /// Judges each request alone against the tables and the requests before it, updating `ids` and `streams`
    /// in place (one hash lookup each per record) and keeping an undo list, so that a refused request, or a
    /// failed write of the whole group, leaves them as they were. `stored` shows the stored record at a
    /// position: an id whose fingerprint is in the table is a repeat only if the record there has that id.
    mutating func judge(
        _ requests: [[RecordDraft]], endPosition: UInt64,
        stored: (UInt64, (LogRecord) -> Void) throws(LogError) -> Void
    ) -> ([Result<[AppendOutcome], LogError>], Undo) {
        var results: [Result<[AppendOutcome], LogError>] = []
        results.reserveCapacity(requests.count)
        accepted.removeAll(keepingCapacity: true)
        acceptedVersions.removeAll(keepingCapacity: true)
        var groupUndo = Undo()
        // Every draft's hashes first, and their table slots loaded together: a group of many one-event appends
        // then waits for its cache misses once, not for two per append one after another.
        fingerprints.removeAll(keepingCapacity: true)
        streamHashes.removeAll(keepingCapacity: true)
        if requests.count > 1 { Self.prefetchBytes(of: requests) }
        for drafts in requests {
            drafts.withUnsafeBufferPointer { drafts in
                for i in drafts.indices {
                    let draft = drafts.baseAddress! + i  // borrowed in place: no copy
                    fingerprints.append(ids.fingerprint(draft.pointee.id))
                    streamHashes.append(streams.hash(draft.pointee.stream))
                }
            }
        }
        if fingerprints.count > 8 {
            touchSink ^= fingerprints.withUnsafeBufferPointer { ids.touch($0) }
            touchSink ^= streamHashes.withUnsafeBufferPointer { streams.touch($0) }
        }
        groupUndo.ids.reserveCapacity(fingerprints.count)
        groupUndo.streams.reserveCapacity(fingerprints.count)
        var base = 0  // where the request's drafts start in `fingerprints` and `streamHashes`
        for (r, drafts) in requests.enumerated() {
            defer { base += drafts.count }
            var outcomes: [AppendOutcome] = []
            outcomes.reserveCapacity(drafts.count)
            let firstIndex = accepted.count
            let undoStart = groupUndo.mark
            var failure: LogError?
            drafts.withUnsafeBufferPointer { drafts in
                for i in drafts.indices {
                    let draft = drafts.baseAddress! + i  // borrowed in place: no copy
                    if let error = FileLog.check(draft) { failure = error; break }
                    let fingerprint = fingerprints[base + i]
                    let nextPosition = endPosition + UInt64(accepted.count)
                    if !ids.insertIfNew(fingerprint, nextPosition) {
                        // The fingerprint is known: a repeat of the id, or another id that shares it.
                        switch repeatOutcome(of: draft.pointee, fingerprint, at: nextPosition, requests, endPosition, stored) {
                        case .success(let earlier?): outcomes.append(.duplicate(position: earlier)); continue
                        case .success(nil): break  // a new id after all: stored under the shared fingerprint
                        case .failure(let error): failure = error
                        }
                        if failure != nil { break }
                    }
                    groupUndo.ids.append((fingerprint, nextPosition))
                    let streamHash = streamHashes[base + i]
                    let slot = streams.slot(of: draft.pointee.stream, hash: streamHash)
                    let current = slot.map { streams.version(at: $0) }
                    switch draft.pointee.expectedVersion {
                    case .any: break
                    case .noStream where current == nil: break
                    case .exactly(let v) where current == v: break
                    default:
                        failure = LogError(
                            .versionConflict,
                            "stream \(draft.pointee.stream) is at version \(current.map(String.init) ?? "none (no events)"), "
                                + "expected \(FileLog.describe(draft.pointee.expectedVersion)); nothing was written")
                    }
                    if failure != nil { break }
                    let version = current.map { $0 + 1 } ?? 0
                    groupUndo.streams.append((Int32(r), Int32(i), current ?? Undo.newStream))
                    if let slot {
                        streams.setVersion(version, at: slot)
                    } else {
                        streams.set(draft.pointee.stream, hash: streamHash, version: version)
                    }
                    accepted.append((Int32(r), Int32(i)))
                    acceptedVersions.append(version)
                    outcomes.append(.appended(position: nextPosition, streamVersion: version))
                }
            }
            if let failure {
                groupUndo.revert(&self, requests, since: undoStart)
                accepted.removeSubrange(firstIndex...)
                acceptedVersions.removeSubrange(firstIndex...)
                results.append(.failure(failure))
                continue
            }
            results.append(.success(outcomes))
        }
        return (results, groupUndo)
    }

    /// Starts loading the bytes of every draft of a group at once (id, content key, the head of the payload):
    /// the drafts of many appenders were made on other threads, and each would otherwise cost the commit its
    /// cache misses one after another, in the hashing of its id and again in the copy of its payload.
    private static func prefetchBytes(of requests: [[RecordDraft]]) {
        for drafts in requests {
            drafts.withUnsafeBufferPointer { drafts in
                for i in drafts.indices {
                    let draft = drafts.baseAddress! + i  // borrowed in place: no copy
                    draft.pointee.id.withUnsafeBytes { orientir_prefetch($0.baseAddress) }
                    draft.pointee.contentKey.withUnsafeBytes { orientir_prefetch($0.baseAddress) }
                    draft.pointee.payload.withUnsafeBytes { payload in
                        guard let base = payload.baseAddress else { return }
                        for offset in stride(from: 0, to: min(payload.count, payloadBytesPrefetched), by: 64) {
                            orientir_prefetch(base + offset)
                        }
                    }
                }
            }
        }
    }

    /// How much of each payload `prefetchBytes` loads ahead; the hardware prefetcher follows a longer copy.
    private static let payloadBytesPrefetched = 256

    /// For a draft whose id fingerprint is in the table: the position of the same id with the same content
    /// (a repeat: no-op), nil when no entry under the fingerprint has this id (then `position` is stored for it),
    /// or the conflict when the id is stored with other content.
    private mutating func repeatOutcome(
        of draft: RecordDraft, _ fingerprint: UInt64, at position: UInt64, _ requests: [[RecordDraft]],
        _ endPosition: UInt64, _ stored: (UInt64, (LogRecord) -> Void) throws(LogError) -> Void
    ) -> Result<UInt64?, LogError> {
        var lookupError: LogError?
        let accepted = self.accepted
        let earlier = ids.insertUnlessConfirmed(fingerprint, position) { candidate in
            if candidate >= endPosition {  // earlier in this group
                let (pr, pi) = accepted[Int(candidate - endPosition)]
                return requests[Int(pr)][Int(pi)].id == draft.id
            }
            var same = false
            do throws(LogError) { try stored(candidate) { same = $0.id == draft.id } } catch {
                lookupError = error
                return true
            }
            return same
        }
        if let lookupError { return .failure(lookupError) }
        guard let earlier else { return .success(nil) }
        var same = false
        if earlier >= endPosition {
            let (pr, pi) = accepted[Int(earlier - endPosition)]
            same = Self.sameContent(requests[Int(pr)][Int(pi)].contentKey, requests[Int(pr)][Int(pi)].payload, draft)
        } else {
            do throws(LogError) { try stored(earlier) { same = Self.sameContent($0.contentKey, $0.payload, draft) } } catch {
                return .failure(error)
            }
        }
        return same ? .success(earlier) : .failure(FileLog.idConflict(draft, stored: earlier >= endPosition ? nil : earlier))
    }

    /// Whether a draft repeats content stored with `contentKey` and `payload` (the content key decides when set:
    /// sealed payloads differ byte for byte between two seals of the same content).
    private static func sameContent(_ contentKey: [UInt8], _ payload: [UInt8], _ draft: RecordDraft) -> Bool {
        draft.contentKey.isEmpty ? contentKey.isEmpty && payload == draft.payload : contentKey == draft.contentKey
    }

    /// What a commit changed in `ids` and `streams`, to put back when it cannot stand.
    struct Undo {
        var ids: [(fingerprint: UInt64, position: UInt64)] = []
        /// Each stream a draft moved on, by the draft's (request, index), with its version before (`newStream`
        /// when the draft began it): plain numbers, nothing to retain per record.
        var streams: [(request: Int32, index: Int32, previous: UInt64)] = []
        static let newStream = UInt64.max

        /// Where the lists stand: what `revert(_:_:since:)` goes back to.
        var mark: (ids: Int, streams: Int) { (ids.count, streams.count) }

        /// Puts back what was changed since `mark` (everything by default), newest first, and forgets it.
        mutating func revert(
            _ tables: inout WriterTables, _ requests: [[RecordDraft]], since mark: (ids: Int, streams: Int) = (0, 0)
        ) {
            for (fingerprint, position) in ids[mark.ids...].reversed() { tables.ids.remove(fingerprint, position) }
            for (request, index, previous) in streams[mark.streams...].reversed() {
                tables.streams[requests[Int(request)][Int(index)].stream] = previous == Self.newStream ? nil : previous
            }
            ids.removeSubrange(mark.ids...)
            streams.removeSubrange(mark.streams...)
        }
    }
}

/// The writer's segments and the head of its hash chain, with what writes to them: held by the log, and by its
/// sealer thread while that works (see `FileLog.settle()` for who may touch them when).
final class LogFiles: @unchecked Sendable {
    let directory: String
    let segmentBytes: Int
    var segments: [Segment] = []
    var lastHash: Digest32 = .zero
    private var sealOutput: [UInt8] = []  // the sealer's own

    init(directory: String, segmentBytes: Int) {
        self.directory = directory
        self.segmentBytes = segmentBytes
    }

    /// Seals one laid-out batch onto the chain and writes it (on the sealer's thread). Segments roll only
    /// between appends, as when the appender writes an append itself.
    func sealAndWrite(_ builder: inout BatchBuilder, firstPosition: UInt64, startsAppend: Bool) throws(LogError) {
        if startsAppend, let active = segments.last, active.size >= segmentBytes { try roll(at: firstPosition) }
        let active = segments[segments.count - 1]
        sealOutput.removeAll(keepingCapacity: true)
        let header = builder.seal(firstPosition: firstPosition, previousHash: lastHash, into: &sealOutput)
        do throws(LogError) {
            try FileIO.writeAll(active.fd, sealOutput, at: active.size, active.path)
        } catch {
            try? FileIO.truncate(active.fd, to: active.size, active.path)
            throw error
        }
        active.noteBatch(header, at: active.size)
        active.size += sealOutput.count
        lastHash = header.hash
        // Start the disk on what is written so far, a few MB at a time, so the one sync at the end has little
        // left to wait for (a hint to the kernel; it promises nothing, and nothing relies on it).
        if active.size - writebackStart >= Self.writebackBytes || active.size < writebackStart {
            if active.size < writebackStart { writebackStart = 0 }
            _ = orientir_start_writeback(active.fd, Int64(writebackStart), Int64(active.size - writebackStart))
            writebackStart = active.size
        }
    }

    private static let writebackBytes = 4 << 20
    private var writebackStart = 0

    /// Seals the active segment (synced, indexes written) and starts the next one at `position`.
    func roll(at position: UInt64) throws(LogError) {
        writebackStart = 0
        let active = segments[segments.count - 1]
        try FileIO.sync(active.fd, active.path)
        try active.writeIndexFiles()
        let next = try Segment(directory: directory, firstPosition: position, writable: true, create: true)
        try FileIO.syncDirectory(directory)
        segments.append(next)
    }
}
