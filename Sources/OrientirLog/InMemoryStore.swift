/// The event store in memory, with the file log's semantics (ids, versions, atomic appends), for tests of the
/// layers above the log.
public final class InMemoryStore: EventStore, @unchecked Sendable {
    private let lock = Lock()
    private var records: [LogRecord] = []
    private var ids: [IDKey: Int] = [:]
    private var streams: [String: UInt64] = [:]
    private let clock: @Sendable () -> Int64

    public init(clock: @escaping @Sendable () -> Int64 = FileLog.now) {
        self.clock = clock
    }

    public func append(_ drafts: [RecordDraft]) throws(LogError) -> [AppendOutcome] {
        try lock.withLock { () throws(LogError) in
            var outcomes: [AppendOutcome] = []
            var added: [LogRecord] = []
            var pendingIDs: [IDKey: Int] = [:]
            var pendingStreams: [String: UInt64] = [:]
            let now = max(clock(), records.last?.recordedAt ?? .min)
            for draft in drafts {
                guard !draft.id.isEmpty, draft.id.count <= RecordDraft.maxIDLength, !draft.stream.isEmpty else {
                    throw LogError(.invalidArgument, "an id needs 1 to \(RecordDraft.maxIDLength) bytes and a stream a name")
                }
                let key = IDKey(draft.id)
                if let index = pendingIDs[key] ?? ids[key] {
                    let prior = index < records.count ? records[index] : added[index - records.count]
                    let same = draft.contentKey.isEmpty
                        ? prior.contentKey.isEmpty && prior.payload == draft.payload : prior.contentKey == draft.contentKey
                    guard same else {
                        throw LogError(.idConflict, "id already stored with other content; nothing was written",
                                       position: UInt64(index))
                    }
                    outcomes.append(.duplicate(position: UInt64(index)))
                    continue
                }
                let current = pendingStreams[draft.stream] ?? streams[draft.stream]
                switch draft.expectedVersion {
                case .any: break
                case .noStream where current == nil: break
                case .exactly(let v) where current == v: break
                default:
                    throw LogError(.versionConflict, "stream \(draft.stream) is not at the expected version; nothing was written")
                }
                let version = current.map { $0 + 1 } ?? 0
                let position = UInt64(records.count + added.count)
                pendingStreams[draft.stream] = version
                pendingIDs[key] = Int(position)
                added.append(LogRecord(position: position, recordedAt: now, streamVersion: version, id: draft.id,
                                       stream: draft.stream, contentKey: draft.contentKey, payload: draft.payload))
                outcomes.append(.appended(position: position, streamVersion: version))
            }
            records.append(contentsOf: added)
            ids.merge(pendingIDs) { $1 }
            streams.merge(pendingStreams) { $1 }
            return outcomes
        }
    }

    public func read(_ range: ReadRange, _ body: (RecordView) throws -> Void) throws {
        let snapshot = lock.withLock { records }
        let upper = Int(min(range.positions.upperBound, UInt64(snapshot.count)))
        let lower = Int(min(range.positions.lowerBound, UInt64(upper)))
        for record in snapshot[lower..<upper] {
            if let since = range.since, record.recordedAt < since { continue }
            if let before = range.before, record.recordedAt >= before { break }
            if let stream = range.stream, record.stream != stream { continue }
            var streamName = record.stream
            try streamName.withUTF8 { stream in
                try record.id.withUnsafeBytes { id in
                    try record.contentKey.withUnsafeBytes { key in
                        try record.payload.withUnsafeBytes { payload in
                            try body(RecordView(position: record.position, recordedAt: record.recordedAt,
                                                streamVersion: record.streamVersion, id: id,
                                                stream: UnsafeRawBufferPointer(stream), contentKey: key, payload: payload))
                        }
                    }
                }
            }
        }
    }

    public func streamVersion(of stream: String) throws(LogError) -> UInt64? { lock.withLock { streams[stream] } }

    public func head() throws(LogError) -> LogHead {
        lock.withLock { LogHead(endPosition: UInt64(records.count), hash: .zero, lastRecordedAt: records.last?.recordedAt) }
    }
}
