import OrientirEvents
import OrientirProjections

/// The fold behind footprints: every non-retracted event kept in its encoded form, indexed under each subject it
/// names (person, organisation, team, programme, mentorship). A footprint folds one subject's events on read.
public struct SubjectIndex: Projection {
    public static let name = "footprints"
    public static let version = 1
    /// Its snapshot is as large as the log: as-of reads fold from zero or the checkpoint instead.
    public static let keepsPeriodicSnapshots = false

    var positions: [UInt64] = []
    var ids: [EventID] = []
    /// Offsets of each event's payload in `bytes` (one more than events).
    var offsets: [Int] = [0]
    var bytes: [UInt8] = []
    var subjects = Interner()
    var eventsBySubject: [[Int32]] = []

    public init() {}

    public var count: Int { positions.count }

    public mutating func apply(_ logged: LoggedEvent) {
        let index = Int32(positions.count)
        positions.append(logged.position)
        ids.append(logged.event.id)
        bytes.append(contentsOf: logged.payload)
        offsets.append(bytes.count)
        for key in Self.subjects(of: logged.event) { add(index, to: key) }
    }

    private mutating func add(_ index: Int32, to key: String) {
        let subject = Int(subjects.intern(key))
        if subject == eventsBySubject.count { eventsBySubject.append([]) }
        if eventsBySubject[subject].last != index { eventsBySubject[subject].append(index) }
    }

    /// Every subject key an event names: its stream, and the other people and organisations in its data.
    static func subjects(of event: Event) -> [String] {
        var keys = [event.stream]
        switch event.data {
        case .studentEnrolled(let data): keys.append("org-" + data.schoolOrgId)
        case .staffMemberRegistered(let data): keys.append("org-" + data.orgId)
        case .mentorRegistered(let data): if let org = data.orgId { keys.append("org-" + org) }
        case .expertRegistered(let data): if let org = data.orgId { keys.append("org-" + org) }
        case .programmeEnrolled(let data): keys.append("programme-" + data.programmeId)
        case .programmeCompleted(let data): keys.append("programme-" + data.programmeId)
        case .careerTrialCompleted(let data): keys.append("org-" + data.providerOrgId)
        case .mentorshipStarted(let data):
            keys.append("person-" + data.mentorId)
            keys.append((data.menteeKind == .team ? "team-" : "person-") + data.menteeId)
        case .teamRegistered(let data):
            keys.append("org-" + data.schoolOrgId)
            keys += data.memberIds.map { "person-" + $0 }
        case .teamMemberJoined(let data): keys.append("person-" + data.personId)
        case .teamMemberLeft(let data): keys.append("person-" + data.personId)
        case .agreementSigned(let data): keys.append("org-" + data.coordinatorOrgId)
        case .programmeLaunched(let data): keys.append("org-" + data.holderOrgId)
        default: break
        }
        return keys
    }

    /// The events indexed under a subject key (`person-ID`, `org-ID`, `team-ID`, …), in log order.
    public func events(of key: String) -> [IndexedEvent] {
        guard let subject = subjects.id(of: key) else { return [] }
        return eventsBySubject[Int(subject)].compactMap { event(at: Int($0)) }
    }

    func event(at index: Int) -> IndexedEvent? {
        let decoded = bytes.withUnsafeBytes { raw in
            try? EventCodec.decode(UnsafeRawBufferPointer(rebasing: raw[offsets[index]..<offsets[index + 1]]),
                                   id: ids[index])
        }
        return decoded.map { IndexedEvent(position: positions[index], event: $0) }
    }

    public func writeSnapshot(to writer: inout SnapshotWriter) {
        writer.array(positions)
        writer.array(ids.map { [$0.high, $0.low] }.flatMap { $0 })
        writer.array(offsets)
        writer.raw(bytes)
        writer.interner(subjects)
        writer.array(eventsBySubject.map { Int32($0.count) })
        writer.array(eventsBySubject.flatMap { $0 })
    }

    public init(snapshot reader: inout SnapshotReader) throws(ProjectionError) {
        positions = try reader.array()
        let halves = try reader.array(of: UInt64.self)
        ids = stride(from: 0, to: halves.count - 1, by: 2).map { EventID(high: halves[$0], low: halves[$0 + 1]) }
        offsets = try reader.array()
        bytes = try reader.raw()
        subjects = try reader.interner()
        let counts = try reader.array(of: Int32.self)
        let flat = try reader.array(of: Int32.self)
        var start = 0
        eventsBySubject = counts.map { count in
            defer { start += Int(count) }
            return Array(flat[start..<min(flat.count, start + Int(count))])
        }
        guard ids.count == positions.count, offsets.count == positions.count + 1, offsets.last == bytes.count,
            start == flat.count
        else { throw ProjectionError(.badSnapshot, "footprint index snapshot does not add up") }
    }
}

/// An event with its log position.
public struct IndexedEvent: Sendable {
    public let position: UInt64
    public let event: Event
}
