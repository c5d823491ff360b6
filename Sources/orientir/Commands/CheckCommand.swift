import ArgumentParser
import OrientirEvents
import OrientirLog

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Count and list dangling references: ids that no event of the log registers.",
        discussion: """
            A reference dangles when no non-retracted event anywhere in the log registers that id (a person by
            StudentEnrolled, StaffMemberRegistered, MentorRegistered or ExpertRegistered; an organisation by
            OrganisationRegistered; a profession by ProfessionListed; a programme by ProgrammeLaunched; a team by
            TeamRegistered; a project by ProjectSubmitted; a mentorship by MentorshipStarted; an agreement by
            AgreementSigned). Data arrives in any order, so such events are stored and reported here.
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "List every dangling reference (position, event id, type, field, id).")
    var list = false

    func run() throws {
        let log = try FileLog(directory: try storeOptions.directory(), options: .reading)
        var registered: [Referent: Set<String>] = [:]
        var retracted = Set<EventID>()
        var references: [(position: UInt64, event: EventID, type: EventType, reference: Reference)] = []
        try log.read(.all) { record in
            let event = try EventLog.decode(record)
            if case .eventRetracted(let r) = event.data { retracted.insert(r.eventId) }
            if let (kind, id) = event.data.registers { registered[kind, default: []].insert(id) }
            for reference in event.data.references {
                references.append((record.position, event.id, event.type, reference))
            }
        }
        if !retracted.isEmpty {
            // A retracted registration registers nothing: fold again without the retracted events.
            registered = [:]
            try log.read(.all) { record in
                let event = try EventLog.decode(record)
                if !retracted.contains(event.id), let (kind, id) = event.data.registers {
                    registered[kind, default: []].insert(id)
                }
            }
        }
        let dangling = references.filter {
            !retracted.contains($0.event) && !(registered[$0.reference.kind]?.contains($0.reference.id) ?? false)
        }
        struct Group: Hashable, Comparable {
            var type: String, field: String, kind: Referent
            static func < (a: Group, b: Group) -> Bool { (a.type, a.field) < (b.type, b.field) }
        }
        var counts: [Group: (count: Int, ids: Set<String>)] = [:]
        for d in dangling {
            let group = Group(type: d.type.rawValue, field: "data." + d.reference.field, kind: d.reference.kind)
            counts[group, default: (0, [])].count += 1
            counts[group, default: (0, [])].ids.insert(d.reference.id)
        }
        print("references: \(references.count), dangling: \(dangling.count)")
        for group in counts.keys.sorted() {
            let c = counts[group]!
            print("  \(group.type) \(group.field) -> unregistered \(group.kind.rawValue): "
                  + "\(c.count) reference(s) to \(c.ids.count) id(s)")
        }
        if list {
            for d in dangling {
                print("\(d.position)\t\(d.event)\t\(d.type.rawValue)\tdata.\(d.reference.field)\t\(d.reference.id)")
            }
        }
    }
}
