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
    /// Each subject's events as a linked list over flat arrays (no array per subject): first and last entry,
    /// entry count; each entry's event index and next entry (-1 at the end).
    var subjectFirst: [Int32] = []
    var subjectLast: [Int32] = []
    var subjectCount: [Int32] = []
    var entryEvent: [Int32] = []
    var entryNext: [Int32] = []

    public init() {}

    public var count: Int { positions.count }

    public mutating func apply(_ logged: LoggedEvent) {
        let index = Int32(positions.count)
        positions.append(logged.position)
        ids.append(logged.event.id)
        bytes.append(contentsOf: logged.payload)
        offsets.append(bytes.count)
        let event = logged.event
        add(index, subjects.intern(event.stream))
        switch event.data {
        case .studentEnrolled(let data): add(index, subjects.intern("org-", data.schoolOrgId))
        case .staffMemberRegistered(let data): add(index, subjects.intern("org-", data.orgId))
        case .mentorRegistered(let data): if let org = data.orgId { add(index, subjects.intern("org-", org)) }
        case .expertRegistered(let data): if let org = data.orgId { add(index, subjects.intern("org-", org)) }
        case .programmeEnrolled(let data): add(index, subjects.intern("programme-", data.programmeId))
        case .programmeCompleted(let data): add(index, subjects.intern("programme-", data.programmeId))
        case .careerTrialCompleted(let data): add(index, subjects.intern("org-", data.providerOrgId))
        case .mentorshipStarted(let data):
            add(index, subjects.intern("person-", data.mentorId))
            add(index, data.menteeKind == .team ? subjects.intern("team-", data.menteeId)
                : subjects.intern("person-", data.menteeId))
        case .teamRegistered(let data):
            add(index, subjects.intern("org-", data.schoolOrgId))
            for member in data.memberIds { add(index, subjects.intern("person-", member)) }
        case .teamMemberJoined(let data): add(index, subjects.intern("person-", data.personId))
        case .teamMemberLeft(let data): add(index, subjects.intern("person-", data.personId))
        case .agreementSigned(let data): add(index, subjects.intern("org-", data.coordinatorOrgId))
        case .programmeLaunched(let data): add(index, subjects.intern("org-", data.holderOrgId))
        default: break
        }
    }

    @inline(__always)
    private mutating func add(_ index: Int32, _ subject32: Int32) {
        let subject = Int(subject32)
        let entry = Int32(entryEvent.count)
        if subject == subjectFirst.count {
            subjectFirst.append(entry)
            subjectLast.append(entry)
            subjectCount.append(1)
        } else if subjectLast[subject] < 0 {
            subjectFirst[subject] = entry
            subjectLast[subject] = entry
            subjectCount[subject] = 1
        } else {
            let last = Int(subjectLast[subject])
            if entryEvent[last] == index { return }
            entryNext[last] = entry
            subjectLast[subject] = entry
            subjectCount[subject] += 1
        }
        entryEvent.append(index)
        entryNext.append(-1)
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

    /// The event indices of one subject, in log order.
    func eventIndices(ofSubject subject: Int) -> [Int32] {
        var result: [Int32] = []
        result.reserveCapacity(Int(subjectCount[subject]))
        var entry = subjectFirst[subject]
        while entry >= 0 {
            result.append(entryEvent[Int(entry)])
            entry = entryNext[Int(entry)]
        }
        return result
    }

    /// The events indexed under a subject key (`person-ID`, `org-ID`, `team-ID`, …), in log order.
    public func events(of key: String) -> [IndexedEvent] {
        guard let subject = subjects.id(of: key) else { return [] }
        return eventIndices(ofSubject: Int(subject)).compactMap { event(at: Int($0)) }
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
        var halves: [UInt64] = []
        halves.reserveCapacity(ids.count * 2)
        for id in ids {
            halves.append(id.high)
            halves.append(id.low)
        }
        writer.array(halves)
        writer.array(offsets)
        writer.raw(bytes)
        writer.interner(subjects)
        writer.array(subjectCount)
        var flat: [Int32] = []
        flat.reserveCapacity(entryEvent.count)
        for subject in subjectFirst.indices { flat += eventIndices(ofSubject: subject) }
        writer.array(flat)
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
        subjectFirst.reserveCapacity(counts.count)
        subjectLast.reserveCapacity(counts.count)
        entryEvent.reserveCapacity(flat.count)
        entryNext.reserveCapacity(flat.count)
        for count in counts {
            let end = min(flat.count, start + max(0, Int(count)))
            let first = Int32(entryEvent.count)
            for index in start..<end {
                entryEvent.append(flat[index])
                entryNext.append(index + 1 < end ? Int32(entryEvent.count) : -1)
            }
            subjectFirst.append(end > start ? first : -1)
            subjectLast.append(end > start ? Int32(entryEvent.count - 1) : -1)
            subjectCount.append(Int32(end - start))
            start = end
        }
        guard ids.count == positions.count, offsets.count == positions.count + 1, offsets.last == bytes.count,
            start == flat.count, subjectFirst.count == subjects.count
        else { throw ProjectionError(.badSnapshot, "footprint index snapshot does not add up") }
    }
}

/// An event with its log position.
public struct IndexedEvent: Sendable {
    public let position: UInt64
    public let event: Event
}
