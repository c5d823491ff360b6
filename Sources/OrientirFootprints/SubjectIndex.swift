import OrientirEvents
import OrientirProjections

/// The fold behind footprints: every non-retracted event kept in its encoded form, indexed under each subject it
/// names (person, organisation, team, programme, mentorship). A footprint folds one subject's events on read.
public struct SubjectIndex: Projection {
    public static let name = "footprints"
    public static let version = 4

    var positions: [UInt64] = []
    var ids: [EventID] = []
    /// Offsets of each event's payload in `bytes` (one more than events).
    var offsets: [Int] = [0]
    var bytes: [UInt8] = []
    var subjects = Interner()
    /// The indexed part, subject by subject (compressed rows): subject `s`'s event indices, in log order, are
    /// `indexed[starts[s]..<starts[s + 1]]` for the subjects known when it was built.
    var starts: [Int32] = [0]
    var indexed: [Int32] = []
    /// Index entries folded since: subject and event index, in log order. Appending is all the fold does (no
    /// pointer chasing per event); ``prepareForReads()`` merges them into the rows in one counting pass.
    var pendingSubjects: [Int32] = []
    var pendingEvents: [Int32] = []
    /// The last event index entered under each subject, so an event naming a subject twice is entered once.
    var lastEvent: [Int32] = []

    public init() {}

    public var count: Int { positions.count }

    /// Room for `count` more events: their positions, ids and offsets, and their payloads at up to
    /// `reservedBytesPerEvent` each on average (a region's events take about 80).
    public mutating func reserveCapacity(forEvents count: Int) {
        positions.reserveCapacity(positions.count + count)
        ids.reserveCapacity(ids.count + count)
        offsets.reserveCapacity(offsets.count + count)
        bytes.reserveCapacity(bytes.count + count * Self.reservedBytesPerEvent)
        pendingSubjects.reserveCapacity(pendingSubjects.count + 2 * count)
        pendingEvents.reserveCapacity(pendingEvents.count + 2 * count)
    }

    static let reservedBytesPerEvent = 128

    /// The stream is the first subject `apply` looks up.
    public mutating func prefetch(stream: UnsafeRawBufferPointer) {
        subjects.prefetch(utf8: stream)
    }

    public mutating func apply(_ logged: LoggedEvent) {
        let index = Int32(positions.count)
        positions.append(logged.position)
        ids.append(logged.id)
        bytes.append(contentsOf: logged.payload)
        offsets.append(bytes.count)
        add(index, subjects.intern(utf8: logged.stream))
        let fields = logged.fields
        typealias F = Fields
        switch fields.type {
        case .studentEnrolled: add(index, subjects.intern("org-", utf8: fields.bytes(F.enrolledSchool)))
        case .staffMemberRegistered: add(index, subjects.intern("org-", utf8: fields.bytes(F.staffOrg)))
        case .mentorRegistered:
            if let org = fields.optionalBytes(F.mentorOrg) { add(index, subjects.intern("org-", utf8: org)) }
        case .expertRegistered:
            if let org = fields.optionalBytes(F.expertOrg) { add(index, subjects.intern("org-", utf8: org)) }
        case .programmeEnrolled:
            add(index, subjects.intern("programme-", utf8: fields.bytes(F.enrolledProgramme)))
        case .programmeCompleted:
            add(index, subjects.intern("programme-", utf8: fields.bytes(F.completedProgramme)))
        case .careerTrialCompleted: add(index, subjects.intern("org-", utf8: fields.bytes(F.trialProvider)))
        case .mentorshipStarted:
            add(index, subjects.intern("person-", utf8: fields.bytes(F.mentor)))
            let mentee = fields.bytes(F.mentee)
            add(index, fields.value(F.menteeKind, as: MenteeKind.self) == .team
                ? subjects.intern("team-", utf8: mentee) : subjects.intern("person-", utf8: mentee))
        case .teamRegistered:
            add(index, subjects.intern("org-", utf8: fields.bytes(F.teamSchool)))
            for member in fields.ids(F.teamMembers) { add(index, subjects.intern("person-", utf8: member)) }
        case .teamMemberJoined: add(index, subjects.intern("person-", utf8: fields.bytes(F.joinedPerson)))
        case .teamMemberLeft: add(index, subjects.intern("person-", utf8: fields.bytes(F.leftPerson)))
        case .agreementSigned: add(index, subjects.intern("org-", utf8: fields.bytes(F.agreementCoordinator)))
        case .programmeLaunched: add(index, subjects.intern("org-", utf8: fields.bytes(F.programmeHolder)))
        default: break
        }
    }

    /// The fields the index reads, resolved once.
    private enum Fields {
        static let enrolledSchool = EventType.studentEnrolled.field("schoolOrgId")
        static let staffOrg = EventType.staffMemberRegistered.field("orgId")
        static let mentorOrg = EventType.mentorRegistered.field("orgId")
        static let expertOrg = EventType.expertRegistered.field("orgId")
        static let enrolledProgramme = EventType.programmeEnrolled.field("programmeId")
        static let completedProgramme = EventType.programmeCompleted.field("programmeId")
        static let trialProvider = EventType.careerTrialCompleted.field("providerOrgId")
        static let mentor = EventType.mentorshipStarted.field("mentorId")
        static let menteeKind = EventType.mentorshipStarted.field("menteeKind")
        static let mentee = EventType.mentorshipStarted.field("menteeId")
        static let teamSchool = EventType.teamRegistered.field("schoolOrgId")
        static let teamMembers = EventType.teamRegistered.field("memberIds")
        static let joinedPerson = EventType.teamMemberJoined.field("personId")
        static let leftPerson = EventType.teamMemberLeft.field("personId")
        static let agreementCoordinator = EventType.agreementSigned.field("coordinatorOrgId")
        static let programmeHolder = EventType.programmeLaunched.field("holderOrgId")
    }

    @inline(__always)
    private mutating func add(_ index: Int32, _ subject32: Int32) {
        let subject = Int(subject32)
        if subject == lastEvent.count {
            lastEvent.append(index)
        } else {
            if lastEvent[subject] == index { return }
            lastEvent[subject] = index
        }
        pendingSubjects.append(subject32)
        pendingEvents.append(index)
    }

    /// Whether the rows hold every entry and every subject.
    private var isIndexed: Bool { pendingSubjects.isEmpty && starts.count == subjects.count + 1 }

    /// Merges the pending entries into the rows (the engine calls it at the end of every fold).
    public mutating func prepareForReads() {
        guard !isIndexed else { return }
        (starts, indexed) = merged()
        pendingSubjects.removeAll()
        pendingEvents.removeAll()
    }

    /// The rows with the pending entries merged in: a counting sort by subject, older entries first.
    func merged() -> (starts: [Int32], indexed: [Int32]) {
        if isIndexed { return (starts, indexed) }
        let subjectCount = subjects.count
        let rows = starts.count - 1
        var newStarts = [Int32](repeating: 0, count: subjectCount + 1)
        newStarts.withUnsafeMutableBufferPointer { counts in
            for subject in 0..<rows { counts[subject + 1] = starts[subject + 1] - starts[subject] }
            for subject in pendingSubjects { counts[Int(subject) + 1] += 1 }
            for subject in 0..<subjectCount { counts[subject + 1] += counts[subject] }
        }
        let total = Int(newStarts[subjectCount])
        let flat = [Int32](unsafeUninitializedCapacity: total) { flat, initialized in
            var cursor = newStarts
            cursor.withUnsafeMutableBufferPointer { cursor in
                indexed.withUnsafeBufferPointer { old in
                    for subject in 0..<rows {
                        var next = Int(cursor[subject])
                        for entry in Int(starts[subject])..<Int(starts[subject + 1]) {
                            flat[next] = old[entry]
                            next += 1
                        }
                        cursor[subject] = Int32(next)
                    }
                }
                for (subject, event) in zip(pendingSubjects, pendingEvents) {
                    flat[Int(cursor[Int(subject)])] = event
                    cursor[Int(subject)] += 1
                }
            }
            initialized = total
        }
        return (newStarts, flat)
    }

    /// The event indices of one subject, in log order: its row, then any pending entries.
    func eventIndices(ofSubject subject: Int) -> [Int32] {
        var result: [Int32] = []
        if subject + 1 < starts.count {
            result.append(contentsOf: indexed[Int(starts[subject])..<Int(starts[subject + 1])])
        }
        for (pending, event) in zip(pendingSubjects, pendingEvents) where Int(pending) == subject {
            result.append(event)
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

    /// The state as it is: the events and the pending entries are growing arrays (a periodic snapshot, or a
    /// checkpoint after one, holds the events since the one before); the rows are written whole (after the merge
    /// at the end of a fold they hold everything, and the pending entries are empty).
    public func writeSnapshot(to writer: inout SnapshotWriter) {
        writer.reserveCapacity(4 * starts.count + 256)
        writer.growing(positions)
        writer.growing(ids)
        writer.growing(offsets)
        writer.growing(bytes)
        writer.interner(subjects)
        writer.array(starts)
        writer.array(indexed)
        writer.growing(pendingSubjects)
        writer.growing(pendingEvents)
    }

    public init(snapshot reader: inout SnapshotReader) throws(ProjectionError) {
        positions = try reader.growing()
        ids = try reader.growing()
        offsets = try reader.growing()
        bytes = try reader.growing()
        subjects = try reader.interner()
        starts = try reader.array()
        indexed = try reader.array()
        pendingSubjects = try reader.growing()
        pendingEvents = try reader.growing()
        lastEvent = [Int32](repeating: -1, count: subjects.count)
        guard ids.count == positions.count, offsets.count == positions.count + 1, offsets.first == 0,
            offsets.last == bytes.count,
            !starts.isEmpty, starts.count <= subjects.count + 1, starts.first == 0,
            starts.last.map(Int.init) == indexed.count,
            zip(starts, starts.dropFirst()).allSatisfy({ $0 <= $1 }),
            indexed.allSatisfy({ $0 >= 0 && Int($0) < positions.count }),
            pendingSubjects.count == pendingEvents.count,
            pendingSubjects.allSatisfy({ $0 >= 0 && Int($0) < subjects.count }),
            pendingEvents.allSatisfy({ $0 >= 0 && Int($0) < positions.count }),
            zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 })
        else { throw ProjectionError(.badSnapshot, "footprint index snapshot does not add up") }
    }
}

/// An event with its log position.
public struct IndexedEvent: Sendable {
    public let position: UInt64
    public let event: Event
}
