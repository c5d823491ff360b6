import OrientirEvents
import OrientirProjections

/// Everything the log says about one organisation (READ_MODELS.md §1): its registration, agreements as partner,
/// programmes held, trials hosted, mentors and staff, teams of a school and staffing demand.
public struct OrganisationFootprint: Sendable {
    public let orgId: String
    public var kind: OrganisationKind?
    public var municipality: String?
    /// agreement id → (kind, valid until, ended).
    public var agreements: [String: (kind: AgreementKind, validUntil: LocalDate?, ended: Bool)] = [:]
    /// programme id → (enrolments, completions not withdrawn).
    public var programmes: [String: (enrolments: Int, completions: Int)] = [:]
    public var trialsHosted = 0
    public var trialStudents: Set<String> = []
    public var trialProfessions: Set<String> = []
    public var externalScores: [Double] = []
    public var mentors: Set<String> = []
    /// staff person → role.
    public var staff: [String: StaffRole] = [:]
    /// staff person → trainings completed.
    public var staffTrainings: [String: Int] = [:]
    /// team → (season, own results recorded).
    public var teams: [String: (season: AcademicYear, results: Int)] = [:]
    /// (profession, year) → positions, latest declaration.
    public var demand: [String: Int] = [:]
    public var timeline: [TimelineEntry] = []

    public init(orgId: String, index: SubjectIndex) {
        self.orgId = orgId
        let own = index.events(of: "org-" + orgId)
        var all = own
        var seen = Set(own.map(\.position))
        var related: [String] = []
        for indexed in own {
            switch indexed.event.data {
            case .programmeLaunched(let d) where d.holderOrgId == orgId: related.append("programme-" + d.programmeId)
            case .teamRegistered(let d) where d.schoolOrgId == orgId: related.append("team-" + d.teamId)
            case .staffMemberRegistered(let d) where d.orgId == orgId: related.append("person-" + d.personId)
            default: break
            }
        }
        for key in Set(related).sorted() {
            for indexed in index.events(of: key) where seen.insert(indexed.position).inserted { all.append(indexed) }
        }
        let ownPositions = Set(own.map(\.position))
        for indexed in all.sorted(by: { $0.position < $1.position }) {
            if ownPositions.contains(indexed.position) { timeline.append(TimelineEntry(indexed)) }
            apply(indexed.event)
        }
    }

    /// The fold: one event of the organisation or of its programmes, teams and staff.
    mutating func apply(_ event: Event) {
        switch event.data {
        case .organisationRegistered(let d) where d.orgId == orgId:
            kind = d.kind
            municipality = event.municipality
        case .agreementSigned(let d) where d.partnerOrgId == orgId:
            let ended = agreements[d.agreementId]?.ended ?? false
            agreements[d.agreementId] = (d.kind, d.validUntil, ended)
        case .agreementEnded(let d) where d.partnerOrgId == orgId: agreements[d.agreementId]?.ended = true
        case .programmeLaunched(let d) where d.holderOrgId == orgId:
            if programmes[d.programmeId] == nil { programmes[d.programmeId] = (0, 0) }
        case .programmeEnrolled(let d): programmes[d.programmeId]?.enrolments += 1
        case .programmeCompleted(let d) where d.result != .withdrawn: programmes[d.programmeId]?.completions += 1
        case .careerTrialCompleted(let d) where d.providerOrgId == orgId:
            trialsHosted += 1
            trialStudents.insert(d.personId)
            trialProfessions.insert(d.professionCode)
            if let score = d.externalScore { externalScores.append(score) }
        case .mentorRegistered(let d) where d.orgId == orgId: mentors.insert(d.personId)
        case .staffMemberRegistered(let d) where d.orgId == orgId: staff[d.personId] = d.role
        case .teacherTrainingCompleted(let d) where staff[d.personId] != nil: staffTrainings[d.personId, default: 0] += 1
        case .teamRegistered(let d) where d.schoolOrgId == orgId: teams[d.teamId] = (d.season, teams[d.teamId]?.results ?? 0)
        case .competitionResultRecorded(let d) where d.participantKind == .team: teams[d.participantId]?.results += 1
        case .staffingDemandDeclared(let d) where d.employerOrgId == orgId:
            demand["\(d.professionCode)/\(d.year)"] = d.positions
        default: break
        }
    }

    public var meanExternalScore: Double? {
        externalScores.isEmpty ? nil : externalScores.reduce(0, +) / Double(externalScores.count)
    }

    public var json: JSONText {
        .object([
            ("orgId", .string(orgId)),
            ("kind", .optional(kind?.rawValue)),
            ("municipality", .optional(municipality)),
            ("agreements", .array(agreements.sorted { $0.key < $1.key }.map { id, agreement in
                .object([("agreementId", .string(id)), ("kind", .string(agreement.kind.rawValue)),
                         ("validUntil", .optional(agreement.validUntil?.description)),
                         ("status", .string(agreement.ended ? "ended" : "active"))])
            })),
            ("programmes", .array(programmes.sorted { $0.key < $1.key }.map { id, counts in
                .object([("programmeId", .string(id)), ("enrolments", .int(counts.enrolments)),
                         ("completions", .int(counts.completions))])
            })),
            ("trialsHosted", .object([
                ("count", .int(trialsHosted)), ("students", .int(trialStudents.count)),
                ("professions", .array(trialProfessions.sorted().map { .string($0) })),
                ("meanExternalScore", .optional(meanExternalScore)),
            ])),
            ("mentors", .array(mentors.sorted().map { .string($0) })),
            ("staff", .array(staff.sorted { $0.key < $1.key }.map { person, role in
                .object([("personId", .string(person)), ("role", .string(role.rawValue)),
                         ("trainings", .int(staffTrainings[person] ?? 0))])
            })),
            ("teams", .array(teams.sorted { $0.key < $1.key }.map { team, info in
                .object([("teamId", .string(team)), ("season", .string(info.season.description)),
                         ("results", .int(info.results))])
            })),
            ("staffingDemand", .object(demand.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
            ("timeline", .array(timeline.map(\.json))),
        ])
    }
}
