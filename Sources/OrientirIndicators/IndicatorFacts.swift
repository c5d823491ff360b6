import OrientirEvents
import OrientirProjections

/// The fold behind the indicators of READ_MODELS.md §2: flat tables of the facts each indicator counts, with string
/// ids interned to integers, in log order. Indicators are computed from it for any scope and period on demand.
public struct IndicatorFacts: Projection {
    public static let name = "indicators"
    public static let version = 1

    /// No value: an absent date, organisation kind or id.
    static let none: Int32 = -1
    static let noDay = Int32.max

    public var persons = Interner()
    public var organisations = Interner()
    public var teams = Interner()
    public var programmes = Interner()
    public var projects = Interner()
    public var municipalities = Interner()
    public var regions = Interner()
    public var mentorships = Interner()
    public var agreements = Interner()
    public var professions = Interner()

    /// The event behind each fact row: position and id, for provenance.
    public var refs: [EventRef] = []
    /// Academic start years and calendar years in which some folded event is dated.
    public var academicYears: Set<Int> = []
    public var calendarYears: Set<Int> = []

    // Reference data, latest registration or launch in log order (rule 7).
    var organisationKind: [Int32] = []
    var organisationMunicipality: [Int32] = []
    var organisationRegion: [Int32] = []
    var programmeHolder: [Int32] = []
    var programmeKind: [Int32] = []
    var teamSchool: [Int32] = []
    /// Current members of each team at this point of the log (rule 8), to credit results and mentee teams.
    var teamMembers: [[Int32]] = []
    var mentorshipEnd: [Int32] = []
    var agreementEnd: [Int32] = []

    /// First date of each completeness facet per person (§1): diagnostic, route, trial, completed programme,
    /// own competition result.
    var facetDays: [FacetDays] = []

    var enrolments: [Enrolment] = []
    var staff: [PersonAtOrg] = []
    var mentors: [PersonAtOrg] = []
    var experts: [PersonAtOrg] = []
    var programmeEnrolments: [PersonInProgramme] = []
    var programmeCompletions: [PersonInProgramme] = []
    var trials: [PersonActivity] = []
    var routes: [PersonActivity] = []
    var results: [ResultCredit] = []
    var mentees: [Mentee] = []
    var launches: [Launch] = []
    var teamRegistrations: [TeamFact] = []
    var memberships: [Membership] = []
    var advances: [TeamFact] = []
    var projectSubmissions: [TeamFact] = []
    var trainings: [Training] = []
    var experience: [PersonActivity] = []
    var demands: [Demand] = []
    var demandIndex: [DemandKey: Int32] = [:]
    var graduates: [Graduate] = []
    var surveys: [Survey] = []
    var agreementSignings: [Agreement] = []

    public init() {}

    // MARK: - The fold

    public mutating func apply(_ logged: LoggedEvent) {
        let event = logged.event
        let date = event.occurredAt.localDate
        let day = Int32(date.daysSinceEpoch)
        academicYears.insert(date.month >= 9 ? date.year : date.year - 1)
        calendarYears.insert(date.year)
        let place = Place(municipality: municipalities.intern(event.municipality), region: regions.intern(event.region))
        switch event.data {
        case .organisationRegistered(let data):
            let org = organisation(data.orgId)
            organisationKind[Int(org)] = Int32(OrganisationKind.allCases.firstIndex(of: data.kind)!)
            organisationMunicipality[Int(org)] = place.municipality
            organisationRegion[Int(org)] = place.region
        case .programmeLaunched(let data):
            let programme = self.programme(data.programmeId)
            let holder = organisation(data.holderOrgId)
            programmeHolder[Int(programme)] = holder
            programmeKind[Int(programme)] = Int32(ProgrammeKind.allCases.firstIndex(of: data.kind)!)
            launches.append(Launch(programme: programme, holder: holder, isNew: data.isNew, day: day, place: place,
                                   ref: ref(logged)))
        case .agreementSigned(let data):
            let agreement = self.agreement(data.agreementId)
            agreementSignings.append(Agreement(
                agreement: agreement, partner: organisation(data.partnerOrgId),
                validUntil: data.validUntil.map { Int32($0.daysSinceEpoch) } ?? Self.noDay, day: day, place: place,
                ref: ref(logged)))
        case .agreementEnded(let data):
            let agreement = self.agreement(data.agreementId)
            agreementEnd[Int(agreement)] = min(agreementEnd[Int(agreement)], day)
        case .studentEnrolled(let data):
            enrolments.append(Enrolment(
                person: person(data.personId), school: organisation(data.schoolOrgId), grade: Int32(data.grade),
                academicYear: Int32(data.academicYear.startYear), place: place, ref: ref(logged)))
        case .staffMemberRegistered(let data):
            staff.append(PersonAtOrg(person: person(data.personId), org: organisation(data.orgId),
                                     kind: Int32(StaffRole.allCases.firstIndex(of: data.role)!), day: day,
                                     place: place, ref: ref(logged)))
        case .mentorRegistered(let data):
            mentors.append(PersonAtOrg(person: person(data.personId), org: data.orgId.map { organisation($0) } ?? Self.none,
                                       kind: Int32(MentorKind.allCases.firstIndex(of: data.mentorKind)!), day: day,
                                       place: place, ref: ref(logged)))
        case .expertRegistered(let data):
            experts.append(PersonAtOrg(person: person(data.personId), org: data.orgId.map { organisation($0) } ?? Self.none,
                                       kind: 0, day: day, place: place, ref: ref(logged)))
        case .diagnosticCompleted(let data):
            let person = person(data.personId)
            facetDays[Int(person)].diagnostic = min(facetDays[Int(person)].diagnostic, day)
        case .individualRouteSet(let data):
            let person = person(data.personId)
            facetDays[Int(person)].route = min(facetDays[Int(person)].route, day)
            routes.append(PersonActivity(person: person, value: Int32(data.academicYear.startYear), day: day,
                                         ref: ref(logged)))
        case .programmeEnrolled(let data):
            programmeEnrolments.append(PersonInProgramme(
                person: person(data.personId), programme: programme(data.programmeId), completed: true, day: day,
                place: place, ref: ref(logged)))
        case .programmeCompleted(let data):
            let person = person(data.personId)
            let completed = data.result != .withdrawn
            if completed { facetDays[Int(person)].programme = min(facetDays[Int(person)].programme, day) }
            programmeCompletions.append(PersonInProgramme(
                person: person, programme: programme(data.programmeId), completed: completed, day: day, place: place,
                ref: ref(logged)))
        case .careerTrialCompleted(let data):
            let person = person(data.personId)
            facetDays[Int(person)].trial = min(facetDays[Int(person)].trial, day)
            trials.append(PersonActivity(person: person, value: 0, day: day, ref: ref(logged)))
        case .competitionResultRecorded(let data):
            let prize = data.result == .prizeWinner || data.result == .winner
            let reference = ref(logged)
            if data.participantKind == .person {
                let person = person(data.participantId)
                facetDays[Int(person)].competition = min(facetDays[Int(person)].competition, day)
                results.append(ResultCredit(person: person, own: true, prize: prize, technical: data.technical,
                                            day: day, place: place, ref: reference))
            } else {
                for member in teamMembers[Int(team(data.participantId))] {
                    results.append(ResultCredit(person: member, own: false, prize: prize, technical: data.technical,
                                                day: day, place: place, ref: reference))
                }
            }
        case .mentorshipStarted(let data):
            let mentorship = self.mentorship(data.mentorshipId)
            let reference = ref(logged)
            let credited = data.menteeKind == .person ? [person(data.menteeId)] : teamMembers[Int(team(data.menteeId))]
            for mentee in credited {
                mentees.append(Mentee(mentorship: mentorship, person: mentee, day: day, ref: reference))
            }
        case .mentorshipEnded(let data):
            let mentorship = self.mentorship(data.mentorshipId)
            mentorshipEnd[Int(mentorship)] = min(mentorshipEnd[Int(mentorship)], day)
        case .teamRegistered(let data):
            let team = self.team(data.teamId)
            let school = organisation(data.schoolOrgId)
            teamSchool[Int(team)] = school
            teamRegistrations.append(TeamFact(team: team, value: Int32(data.season.startYear), day: day, place: place,
                                              ref: ref(logged)))
            for id in data.memberIds { addMember(team, person(id), day: day) }
        case .teamMemberJoined(let data):
            addMember(team(data.teamId), person(data.personId), day: day)
        case .teamMemberLeft(let data):
            let team = self.team(data.teamId)
            let person = person(data.personId)
            teamMembers[Int(team)].removeAll { $0 == person }
            memberships.append(Membership(team: team, person: person, joins: false, day: day))
        case .projectSubmitted(let data):
            projectSubmissions.append(TeamFact(team: team(data.teamId), value: projects.intern(data.projectId),
                                               day: day, place: place, ref: ref(logged)))
        case .teamAdvanced(let data):
            advances.append(TeamFact(team: team(data.teamId), value: 0, day: day, place: place, ref: ref(logged)))
        case .teacherTrainingCompleted(let data):
            trainings.append(Training(person: person(data.personId),
                                      kind: Int32(TrainingKind.allCases.firstIndex(of: data.kind)!),
                                      priority: data.priorityArea, day: day, place: place, ref: ref(logged)))
        case .experienceShared(let data):
            experience.append(PersonActivity(person: person(data.personId), value: 0, day: day, ref: ref(logged)))
        case .staffingDemandDeclared(let data):
            let key = DemandKey(employer: organisation(data.employerOrgId),
                                profession: professions.intern(data.professionCode), year: Int32(data.year))
            let demand = Demand(key: key, positions: Int32(clamping: data.positions), place: place, ref: ref(logged))
            // Rule 12: the declaration with the greatest position wins, whatever its date.
            if let index = demandIndex[key] {
                demands[Int(index)] = demand
            } else {
                demandIndex[key] = Int32(demands.count)
                demands.append(demand)
            }
        case .graduateDestinationRecorded(let data):
            graduates.append(Graduate(
                person: person(data.personId), inRegion: data.inRegion,
                furtherEducation: data.destination == .college || data.destination == .university,
                technical: data.profile == .technical || data.profile == .science, day: day, place: place,
                ref: ref(logged)))
        case .surveyAnswered(let data):
            surveys.append(Survey(
                respondent: data.respondentId.map { person($0) } ?? Self.none,
                kind: Int32(RespondentKind.allCases.firstIndex(of: data.respondentKind)!),
                satisfaction: Int32(data.satisfaction), day: day, place: place, ref: ref(logged)))
        case .municipalityRegistered, .professionListed, .personalDataRecorded, .sealedPersonalData,
            .subjectForgotten, .activityAttended, .projectScored, .eventRetracted:
            break
        }
    }

    private mutating func addMember(_ team: Int32, _ person: Int32, day: Int32) {
        if !teamMembers[Int(team)].contains(person) { teamMembers[Int(team)].append(person) }
        memberships.append(Membership(team: team, person: person, joins: true, day: day))
    }

    private mutating func ref(_ logged: LoggedEvent) -> Int32 {
        refs.append(EventRef(position: logged.position, id: logged.event.id))
        return Int32(refs.count - 1)
    }

    private mutating func person(_ id: String) -> Int32 {
        let person = persons.intern(id)
        if Int(person) == facetDays.count { facetDays.append(FacetDays()) }
        return person
    }

    private mutating func organisation(_ id: String) -> Int32 {
        let org = organisations.intern(id)
        if Int(org) == organisationKind.count {
            organisationKind.append(Self.none)
            organisationMunicipality.append(Self.none)
            organisationRegion.append(Self.none)
        }
        return org
    }

    private mutating func programme(_ id: String) -> Int32 {
        let programme = programmes.intern(id)
        if Int(programme) == programmeHolder.count {
            programmeHolder.append(Self.none)
            programmeKind.append(Self.none)
        }
        return programme
    }

    private mutating func team(_ id: String) -> Int32 {
        let team = teams.intern(id)
        if Int(team) == teamMembers.count {
            teamMembers.append([])
            teamSchool.append(Self.none)
        }
        return team
    }

    private mutating func mentorship(_ id: String) -> Int32 {
        let mentorship = mentorships.intern(id)
        if Int(mentorship) == mentorshipEnd.count { mentorshipEnd.append(Self.noDay) }
        return mentorship
    }

    private mutating func agreement(_ id: String) -> Int32 {
        let agreement = agreements.intern(id)
        if Int(agreement) == agreementEnd.count { agreementEnd.append(Self.noDay) }
        return agreement
    }

    // MARK: - Snapshot

    public func writeSnapshot(to writer: inout SnapshotWriter) {
        for interner in [persons, organisations, teams, programmes, projects, municipalities, regions, mentorships,
                         agreements, professions] {
            writer.interner(interner)
        }
        writer.array(refs)
        writer.array(academicYears.sorted())
        writer.array(calendarYears.sorted())
        for column in [organisationKind, organisationMunicipality, organisationRegion, programmeHolder, programmeKind,
                       teamSchool, mentorshipEnd, agreementEnd] {
            writer.array(column)
        }
        writer.array(teamMembers.map { Int32($0.count) })
        writer.array(teamMembers.flatMap { $0 })
        writer.array(facetDays)
        writer.array(enrolments)
        for table in [staff, mentors, experts] { writer.array(table) }
        writer.array(programmeEnrolments)
        writer.array(programmeCompletions)
        for table in [trials, routes, experience] { writer.array(table) }
        writer.array(results)
        writer.array(mentees)
        writer.array(launches)
        for table in [teamRegistrations, advances, projectSubmissions] { writer.array(table) }
        writer.array(memberships)
        writer.array(trainings)
        writer.array(demands)
        writer.array(graduates)
        writer.array(surveys)
        writer.array(agreementSignings)
    }

    public init(snapshot reader: inout SnapshotReader) throws(ProjectionError) {
        persons = try reader.interner()
        organisations = try reader.interner()
        teams = try reader.interner()
        programmes = try reader.interner()
        projects = try reader.interner()
        municipalities = try reader.interner()
        regions = try reader.interner()
        mentorships = try reader.interner()
        agreements = try reader.interner()
        professions = try reader.interner()
        refs = try reader.array()
        academicYears = Set(try reader.array(of: Int.self))
        calendarYears = Set(try reader.array(of: Int.self))
        organisationKind = try reader.array()
        organisationMunicipality = try reader.array()
        organisationRegion = try reader.array()
        programmeHolder = try reader.array()
        programmeKind = try reader.array()
        teamSchool = try reader.array()
        mentorshipEnd = try reader.array()
        agreementEnd = try reader.array()
        let counts = try reader.array(of: Int32.self)
        let flat = try reader.array(of: Int32.self)
        var offset = 0
        teamMembers = counts.map { count in
            defer { offset += Int(count) }
            return Array(flat[offset..<min(flat.count, offset + Int(count))])
        }
        facetDays = try reader.array()
        enrolments = try reader.array()
        staff = try reader.array()
        mentors = try reader.array()
        experts = try reader.array()
        programmeEnrolments = try reader.array()
        programmeCompletions = try reader.array()
        trials = try reader.array()
        routes = try reader.array()
        experience = try reader.array()
        results = try reader.array()
        mentees = try reader.array()
        launches = try reader.array()
        teamRegistrations = try reader.array()
        advances = try reader.array()
        projectSubmissions = try reader.array()
        memberships = try reader.array()
        trainings = try reader.array()
        demands = try reader.array()
        graduates = try reader.array()
        surveys = try reader.array()
        agreementSignings = try reader.array()
        for (index, demand) in demands.enumerated() { demandIndex[demand.key] = Int32(index) }
        guard reader.isAtEnd, offset == flat.count else {
            throw ProjectionError(.badSnapshot, "indicator facts snapshot has bytes left over or missing")
        }
    }
}

// MARK: - Fact rows

/// An event named in provenance.
public struct EventRef: Sendable, Hashable, BitwiseCopyable {
    public var position: UInt64
    public var high: UInt64
    public var low: UInt64

    init(position: UInt64, id: EventID) {
        self.position = position
        high = id.high
        low = id.low
    }

    public var id: EventID { EventID(high: high, low: low) }
}

/// The envelope's municipality and region of an event.
struct Place: Hashable, BitwiseCopyable {
    var municipality: Int32
    var region: Int32
}

struct FacetDays: BitwiseCopyable {
    var diagnostic = IndicatorFacts.noDay
    var route = IndicatorFacts.noDay
    var trial = IndicatorFacts.noDay
    var programme = IndicatorFacts.noDay
    var competition = IndicatorFacts.noDay

    /// Facets present on or before `day`, 0…5.
    func present(onOrBefore day: Int32) -> Int {
        (diagnostic <= day ? 1 : 0) + (route <= day ? 1 : 0) + (trial <= day ? 1 : 0) + (programme <= day ? 1 : 0)
            + (competition <= day ? 1 : 0)
    }
}

struct Enrolment: BitwiseCopyable {
    var person: Int32
    var school: Int32
    var grade: Int32
    var academicYear: Int32
    var place: Place
    var ref: Int32
}

/// A staff, mentor or expert registration; `kind` is the role or mentor kind.
struct PersonAtOrg: BitwiseCopyable {
    var person: Int32
    var org: Int32
    var kind: Int32
    var day: Int32
    var place: Place
    var ref: Int32
}

struct PersonInProgramme: BitwiseCopyable {
    var person: Int32
    var programme: Int32
    /// For completions: the result is not `withdrawn`.
    var completed: Bool
    var day: Int32
    var place: Place
    var ref: Int32
}

/// A dated act of a person; `value` is the route's academic start year where it matters.
struct PersonActivity: BitwiseCopyable {
    var person: Int32
    var value: Int32
    var day: Int32
    var ref: Int32
}

/// A competition result credited to a person: their own, or their team's for a member at that point in the log.
struct ResultCredit: BitwiseCopyable {
    var person: Int32
    var own: Bool
    var prize: Bool
    var technical: Bool
    var day: Int32
    var place: Place
    var ref: Int32
}

/// A mentee credited by a `MentorshipStarted`: the person, or a member of the mentee team when it started.
struct Mentee: BitwiseCopyable {
    var mentorship: Int32
    var person: Int32
    var day: Int32
    var ref: Int32
}

struct Launch: BitwiseCopyable {
    var programme: Int32
    var holder: Int32
    var isNew: Bool
    var day: Int32
    var place: Place
    var ref: Int32
}

/// A team's registration (`value` = season start year), advance, or project submission (`value` = project).
struct TeamFact: BitwiseCopyable {
    var team: Int32
    var value: Int32
    var day: Int32
    var place: Place
    var ref: Int32
}

struct Membership: BitwiseCopyable {
    var team: Int32
    var person: Int32
    var joins: Bool
    var day: Int32
}

struct Training: BitwiseCopyable {
    var person: Int32
    var kind: Int32
    var priority: Bool
    var day: Int32
    var place: Place
    var ref: Int32
}

struct DemandKey: Hashable, BitwiseCopyable {
    var employer: Int32
    var profession: Int32
    var year: Int32
}

struct Demand: BitwiseCopyable {
    var key: DemandKey
    var positions: Int32
    var place: Place
    var ref: Int32
}

struct Graduate: BitwiseCopyable {
    var person: Int32
    var inRegion: Bool
    var furtherEducation: Bool
    var technical: Bool
    var day: Int32
    var place: Place
    var ref: Int32
}

struct Survey: BitwiseCopyable {
    var respondent: Int32
    var kind: Int32
    var satisfaction: Int32
    var day: Int32
    var place: Place
    var ref: Int32
}

struct Agreement: BitwiseCopyable {
    var agreement: Int32
    var partner: Int32
    var validUntil: Int32
    var day: Int32
    var place: Place
    var ref: Int32
}
