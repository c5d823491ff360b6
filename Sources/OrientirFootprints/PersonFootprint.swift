import OrientirEvents
import OrientirProjections

/// Everything the log says about one person (READ_MODELS.md §1), folded from the person's events, those of the
/// teams they were in and of their mentorships. Personal data is not part of it.
public struct PersonFootprint: Sendable {
    public let personId: String
    /// (academic year, school, grade, position) of every enrolment.
    public var enrolments: [(year: AcademicYear, school: String, grade: Int, position: UInt64)] = []
    public var staffRoles: [(org: String, role: StaffRole)] = []
    public var mentorKinds: [MentorKind] = []
    public var isExpert = false
    public var trials: [CareerTrialCompleted] = []
    public var programmesEnrolled: [String] = []
    public var programmesCompleted: [(programmeId: String, result: ProgrammeResult)] = []
    public var activities: [ActivityKind: Int] = [:]
    /// Own competition results.
    public var competitionResults: [CompetitionResultRecorded] = []
    public var mentorships: [String: Mentorship] = [:]
    /// Teams the person was ever a member of, with whether they still are.
    public var teams: [String: Bool] = [:]
    /// team → project → round → latest total.
    public var projectScores: [String: [String: [Int: Double]]] = [:]
    public var interests: [Direction: Double]?
    /// academic start year → route id (a later route for a year replaces the earlier).
    public var routes: [Int: String] = [:]
    public var trainings: [TeacherTrainingCompleted] = []
    public var experience: [ExperienceShared] = []
    public var destination: GraduateDestinationRecorded?
    public var timeline: [TimelineEntry] = []
    /// The first date of each completeness facet.
    var facets = Facets()

    public struct Mentorship: Sendable {
        public var mentorshipId: String
        public var asMentor: Bool
        public var menteeKind: MenteeKind
        public var form: MentorshipForm
        public var ended: Bool
    }

    struct Facets: Sendable {
        var diagnostic = false, route = false, trial = false, programme = false, competition = false
        var count: Int { [diagnostic, route, trial, programme, competition].filter { $0 }.count }
    }

    public init(personId: String) {
        self.personId = personId
    }

    /// Folds the person's footprint from the index.
    public init(personId: String, index: SubjectIndex) {
        self.init(personId: personId)
        let own = index.events(of: "person-" + personId)
        var related: [String] = []
        for indexed in own {
            switch indexed.event.data {
            case .mentorshipStarted(let data): related.append("mentorship-" + data.mentorshipId)
            case .teamRegistered(let data): related.append("team-" + data.teamId)
            case .teamMemberJoined(let data): related.append("team-" + data.teamId)
            default: break
            }
        }
        var seen = Set(own.map(\.position))
        var all = own
        for key in Set(related).sorted() {
            for indexed in index.events(of: key) where seen.insert(indexed.position).inserted { all.append(indexed) }
        }
        let ownPositions = Set(own.map(\.position))
        for indexed in all.sorted(by: { $0.position < $1.position }) {
            apply(indexed, inTimeline: ownPositions.contains(indexed.position))
        }
    }

    /// The fold: one event of the person, their teams or their mentorships.
    public mutating func apply(_ indexed: IndexedEvent, inTimeline: Bool = true) {
        if inTimeline { timeline.append(TimelineEntry(indexed)) }
        switch indexed.event.data {
        case .studentEnrolled(let d) where d.personId == personId:
            enrolments.append((d.academicYear, d.schoolOrgId, d.grade, indexed.position))
        case .staffMemberRegistered(let d) where d.personId == personId: staffRoles.append((d.orgId, d.role))
        case .mentorRegistered(let d) where d.personId == personId:
            if !mentorKinds.contains(d.mentorKind) { mentorKinds.append(d.mentorKind) }
        case .expertRegistered(let d) where d.personId == personId: isExpert = true
        case .careerTrialCompleted(let d) where d.personId == personId:
            trials.append(d)
            facets.trial = true
        case .programmeEnrolled(let d) where d.personId == personId: programmesEnrolled.append(d.programmeId)
        case .programmeCompleted(let d) where d.personId == personId:
            programmesCompleted.append((d.programmeId, d.result))
            if d.result != .withdrawn { facets.programme = true }
        case .activityAttended(let d) where d.personId == personId: activities[d.kind, default: 0] += 1
        case .competitionResultRecorded(let d) where d.participantKind == .person && d.participantId == personId:
            competitionResults.append(d)
            facets.competition = true
        case .mentorshipStarted(let d):
            let asMentor = d.mentorId == personId
            mentorships[d.mentorshipId] = Mentorship(mentorshipId: d.mentorshipId, asMentor: asMentor,
                                                     menteeKind: d.menteeKind, form: d.form, ended: false)
        case .mentorshipEnded(let d): mentorships[d.mentorshipId]?.ended = true
        case .teamRegistered(let d) where d.memberIds.contains(personId): teams[d.teamId] = true
        case .teamMemberJoined(let d) where d.personId == personId: teams[d.teamId] = true
        case .teamMemberLeft(let d) where d.personId == personId: teams[d.teamId] = false
        case .projectScored(let d): projectScores[d.teamId, default: [:]][d.projectId, default: [:]][d.round] = d.total
        case .projectSubmitted(let d): _ = projectScores[d.teamId, default: [:]][d.projectId, default: [:]]
        case .diagnosticCompleted(let d) where d.personId == personId:
            interests = d.interests
            facets.diagnostic = true
        case .individualRouteSet(let d) where d.personId == personId:
            routes[d.academicYear.startYear] = d.routeId
            facets.route = true
        case .teacherTrainingCompleted(let d) where d.personId == personId: trainings.append(d)
        case .experienceShared(let d) where d.personId == personId: experience.append(d)
        case .graduateDestinationRecorded(let d) where d.personId == personId: destination = d
        default: break
        }
    }

    /// The share of the five facets present (§1), over everything folded.
    public var completeness: Double { Double(facets.count) / 5 }

    /// The enrolment with the greatest academic year (the later position on a tie).
    public var currentEnrolment: (year: AcademicYear, school: String, grade: Int, position: UInt64)? {
        enrolments.max { ($0.year, $0.position) < ($1.year, $1.position) }
    }

    public var roles: [String] {
        var roles: [String] = enrolments.isEmpty ? [] : ["student"]
        for role in staffRoles.map(\.role.rawValue) where !roles.contains(role) { roles.append(role) }
        roles += mentorKinds.map { "mentor:" + $0.rawValue }
        if isExpert { roles.append("expert") }
        return roles
    }

    /// The `summary` block of READ_MODELS.md "Person footprint summary".
    public var summary: JSONText {
        let best = competitionResults.max { $0.level < $1.level }?.level
        let bestResult = competitionResults.max { $0.result < $1.result }?.result
        let current = currentEnrolment
        return .object([
            ("trials", .int(trials.count)),
            ("professionsTried", .int(Set(trials.map(\.professionCode)).count)),
            ("programmesCompleted", .int(programmesCompleted.filter { $0.result != .withdrawn }.count)),
            ("competitionResults", .int(competitionResults.count)),
            ("bestLevel", .optional(best?.rawValue)),
            ("bestResult", .optional(bestResult?.rawValue)),
            ("mentorshipsAsMentee", .int(mentorships.values.filter { !$0.asMentor && $0.menteeKind == .person }.count)),
            ("completeness", .double(completeness)),
            ("grade", .optional(current?.grade)),
            ("schoolOrgId", .optional(current?.school)),
            ("routes", .object(routes.sorted { $0.key < $1.key }.map {
                (AcademicYear(startYear: $0.key).description, .string($0.value))
            })),
        ])
    }

    public var json: JSONText {
        var fields: [(String, JSONText)] = [("personId", .string(personId))]
        fields.append(("schoolOrgId", .optional(currentEnrolment?.school)))
        fields.append(("grade", .optional(currentEnrolment?.grade)))
        fields.append(("roles", .array(roles.map { JSONText.string($0) })))
        fields.append(("trials", trialsJSON))
        let enrolled: [JSONText] = programmesEnrolled.map { .string($0) }
        let completed: [JSONText] = programmesCompleted.map {
            .object([("programmeId", .string($0.programmeId)), ("result", .string($0.result.rawValue))])
        }
        fields.append(("programmes", .object([("enrolled", .array(enrolled)), ("completed", .array(completed))])))
        let activityCounts: [(String, JSONText)] = activities.map { ($0.key.rawValue, .int($0.value)) }
        fields.append(("activities", .object(activityCounts.sorted { $0.0 < $1.0 })))
        fields.append(("competitions", competitionsJSON))
        let mentorshipList: [JSONText] = mentorships.values.sorted { $0.mentorshipId < $1.mentorshipId }.map {
            .object([("mentorshipId", .string($0.mentorshipId)), ("as", .string($0.asMentor ? "mentor" : "mentee")),
                     ("form", .string($0.form.rawValue)), ("active", .bool(!$0.ended))])
        }
        fields.append(("mentorships", .array(mentorshipList)))
        fields.append(("teams", teamsJSON))
        var interestsJSON = JSONText.null
        if let interests {
            let pairs: [(String, JSONText)] = interests.map { ($0.key.rawValue, .double($0.value)) }
            interestsJSON = .object(pairs.sorted { $0.0 < $1.0 })
        }
        fields.append(("interests", interestsJSON))
        let routeList: [(String, JSONText)] = routes.sorted { $0.key < $1.key }.map {
            (AcademicYear(startYear: $0.key).description, .string($0.value))
        }
        fields.append(("routes", .object(routeList)))
        let trainingList: [JSONText] = trainings.map {
            .object([("kind", .string($0.kind.rawValue)), ("hours", .double($0.hours)),
                     ("priorityArea", .bool($0.priorityArea))])
        }
        fields.append(("trainings", .array(trainingList)))
        let experienceList: [JSONText] = experience.map {
            .object([("format", .string($0.format.rawValue)), ("level", .string($0.level.rawValue))])
        }
        fields.append(("experienceShared", .array(experienceList)))
        var destinationJSON = JSONText.null
        if let destination {
            destinationJSON = .object([("destination", .string(destination.destination.rawValue)),
                                       ("inRegion", .bool(destination.inRegion)),
                                       ("profile", .string(destination.profile.rawValue))])
        }
        fields.append(("destination", destinationJSON))
        fields.append(("completeness", .double(completeness)))
        fields.append(("summary", summary))
        fields.append(("timeline", .array(timeline.map(\.json))))
        return .object(fields)
    }

    private var trialsJSON: JSONText {
        let byProfession = Dictionary(grouping: trials, by: \.professionCode).sorted { $0.key < $1.key }
        let entries: [(String, JSONText)] = byProfession.map { code, list in
            let hours = list.map(\.hours).reduce(0, +)
            let positive = list.filter { $0.outcome == .positive }.count
            return (code, .object([("count", .int(list.count)), ("hours", .double(hours)),
                                   ("positive", .int(positive)), ("negative", .int(list.count - positive))]))
        }
        return .object([("count", .int(trials.count)), ("byProfession", .object(entries))])
    }

    private var competitionsJSON: JSONText {
        let byLevel = Dictionary(grouping: competitionResults, by: \.level).sorted { $0.key < $1.key }
        let levels: [(String, JSONText)] = byLevel.map { ($0.key.rawValue, .int($0.value.count)) }
        let bestLevel = competitionResults.max { $0.level < $1.level }?.level.rawValue
        let bestResult = competitionResults.max { $0.result < $1.result }?.result.rawValue
        return .object([("count", .int(competitionResults.count)), ("byLevel", .object(levels)),
                        ("bestLevel", .optional(bestLevel)), ("bestResult", .optional(bestResult))])
    }

    private var teamsJSON: JSONText {
        let list: [JSONText] = teams.sorted { $0.key < $1.key }.map { team, member in
            let projects: [(String, JSONText)] = (projectScores[team] ?? [:]).sorted { $0.key < $1.key }.map {
                project, rounds in
                let totals: [(String, JSONText)] = rounds.sorted { $0.key < $1.key }.map { (String($0.key), .double($0.value)) }
                return (project, .object(totals))
            }
            return .object([("teamId", .string(team)), ("member", .bool(member)), ("projects", .object(projects))])
        }
        return .array(list)
    }
}
