import OrientirEvents
import OrientirProjections

/// The fold behind the indicators of READ_MODELS.md §2: flat tables of the facts each indicator counts, with string
/// ids interned to integers, in log order. Indicators are computed from it for any scope and period on demand.
public struct IndicatorFacts: Projection, Sendable {
    public static let name = "indicators"
    public static let version = 3

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
    /// The day of the last folded event (the year sets are up to date for it); not part of the snapshot.
    var lastDay = Int32.min

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

    /// Room for a provenance reference per event, the one table nearly every event adds to (the fact tables each
    /// take a share of the events that depends on the region, and grow on their own).
    public mutating func reserveCapacity(forEvents count: Int) {
        refs.reserveCapacity(refs.count + count)
    }

    /// A person's stream is `person-` and the id `apply` looks up among the persons.
    public mutating func prefetch(stream: UnsafeRawBufferPointer) {
        let prefix: StaticString = "person-"
        let count = prefix.utf8CodeUnitCount
        guard stream.count > count else { return }
        for index in 0..<count where stream[index] != prefix.utf8Start[index] { return }
        persons.prefetch(utf8: UnsafeRawBufferPointer(rebasing: stream[count...]))
    }

    public mutating func apply(_ logged: LoggedEvent) {
        let fields = logged.fields
        let date = logged.encoded.occurredAtTime.localDate
        let day = Int32(date.daysSinceEpoch)
        if day != lastDay {
            // Consecutive events mostly share a day: the year sets are touched only when it changes.
            lastDay = day
            academicYears.insert(date.month >= 9 ? date.year : date.year - 1)
            calendarYears.insert(date.year)
        }
        let place = Place(municipality: municipalities.intern(utf8: logged.encoded.municipalityBytes),
                          region: regions.intern(utf8: logged.encoded.regionBytes))
        switch fields.type {
        case .organisationRegistered:
            let org = organisation(fields.bytes(F.organisationId))
            organisationKind[Int(org)] = Int32(fields.ordinal(F.organisationKind))
            organisationMunicipality[Int(org)] = place.municipality
            organisationRegion[Int(org)] = place.region
        case .programmeLaunched:
            let programme = self.programme(fields.bytes(F.launchedProgramme))
            let holder = organisation(fields.bytes(F.launchHolder))
            programmeHolder[Int(programme)] = holder
            programmeKind[Int(programme)] = Int32(fields.ordinal(F.launchKind))
            launches.append(Launch(programme: programme, holder: holder, isNew: fields.bool(F.launchIsNew), day: day,
                                   place: place, ref: ref(logged)))
        case .agreementSigned:
            let agreement = self.agreement(fields.bytes(F.signedAgreement))
            agreementSignings.append(Agreement(
                agreement: agreement, partner: organisation(fields.bytes(F.signedPartner)),
                validUntil: fields.isPresent(F.validUntil) ? Int32(fields.days(F.validUntil)) : Self.noDay, day: day,
                place: place, ref: ref(logged)))
        case .agreementEnded:
            let agreement = self.agreement(fields.bytes(F.endedAgreement))
            agreementEnd[Int(agreement)] = min(agreementEnd[Int(agreement)], day)
        case .studentEnrolled:
            enrolments.append(Enrolment(
                person: person(fields.bytes(F.enrolledPerson)), school: organisation(fields.bytes(F.enrolledSchool)),
                grade: Int32(fields.integer(F.enrolledGrade)), academicYear: Int32(fields.startYear(F.enrolledYear)),
                place: place, ref: ref(logged)))
        case .staffMemberRegistered:
            staff.append(PersonAtOrg(person: person(fields.bytes(F.staffPerson)), org: organisation(fields.bytes(F.staffOrg)),
                                     kind: Int32(fields.ordinal(F.staffRole)), day: day, place: place, ref: ref(logged)))
        case .mentorRegistered:
            mentors.append(PersonAtOrg(
                person: person(fields.bytes(F.mentorPerson)),
                org: fields.optionalBytes(F.mentorOrg).map { organisation($0) } ?? Self.none,
                kind: Int32(fields.ordinal(F.mentorKind)), day: day, place: place, ref: ref(logged)))
        case .expertRegistered:
            experts.append(PersonAtOrg(
                person: person(fields.bytes(F.expertPerson)),
                org: fields.optionalBytes(F.expertOrg).map { organisation($0) } ?? Self.none,
                kind: 0, day: day, place: place, ref: ref(logged)))
        case .diagnosticCompleted:
            let person = person(fields.bytes(F.diagnosticPerson))
            facetDays[Int(person)].diagnostic = min(facetDays[Int(person)].diagnostic, day)
        case .individualRouteSet:
            let person = person(fields.bytes(F.routePerson))
            facetDays[Int(person)].route = min(facetDays[Int(person)].route, day)
            routes.append(PersonActivity(person: person, value: Int32(fields.startYear(F.routeYear)), day: day,
                                         ref: ref(logged)))
        case .programmeEnrolled:
            programmeEnrolments.append(PersonInProgramme(
                person: person(fields.bytes(F.programmeEnrolledPerson)),
                programme: programme(fields.bytes(F.programmeEnrolledProgramme)), completed: true, day: day,
                place: place, ref: ref(logged)))
        case .programmeCompleted:
            let person = person(fields.bytes(F.programmeCompletedPerson))
            let completed = fields.value(F.programmeResult, as: ProgrammeResult.self) != .withdrawn
            if completed { facetDays[Int(person)].programme = min(facetDays[Int(person)].programme, day) }
            programmeCompletions.append(PersonInProgramme(
                person: person, programme: programme(fields.bytes(F.programmeCompletedProgramme)),
                completed: completed, day: day, place: place, ref: ref(logged)))
        case .careerTrialCompleted:
            let person = person(fields.bytes(F.trialPerson))
            facetDays[Int(person)].trial = min(facetDays[Int(person)].trial, day)
            trials.append(PersonActivity(person: person, value: 0, day: day, ref: ref(logged)))
        case .competitionResultRecorded:
            let result = fields.value(F.competitionResult, as: CompetitionResult.self)
            let prize = result == .prizeWinner || result == .winner
            let technical = fields.bool(F.competitionTechnical)
            let reference = ref(logged)
            let participant = fields.bytes(F.participantId)
            if fields.value(F.participantKind, as: ParticipantKind.self) == .person {
                let person = person(participant)
                facetDays[Int(person)].competition = min(facetDays[Int(person)].competition, day)
                results.append(ResultCredit(person: person, own: true, prize: prize, technical: technical,
                                            day: day, place: place, ref: reference))
            } else {
                for member in teamMembers[Int(team(participant))] {
                    results.append(ResultCredit(person: member, own: false, prize: prize, technical: technical,
                                                day: day, place: place, ref: reference))
                }
            }
        case .mentorshipStarted:
            let mentorship = self.mentorship(fields.bytes(F.startedMentorship))
            let reference = ref(logged)
            let mentee = fields.bytes(F.menteeId)
            if fields.value(F.menteeKind, as: MenteeKind.self) == .person {
                mentees.append(Mentee(mentorship: mentorship, person: person(mentee), day: day, ref: reference))
            } else {
                for member in teamMembers[Int(team(mentee))] {
                    mentees.append(Mentee(mentorship: mentorship, person: member, day: day, ref: reference))
                }
            }
        case .mentorshipEnded:
            let mentorship = self.mentorship(fields.bytes(F.endedMentorship))
            mentorshipEnd[Int(mentorship)] = min(mentorshipEnd[Int(mentorship)], day)
        case .teamRegistered:
            let team = self.team(fields.bytes(F.registeredTeam))
            let school = organisation(fields.bytes(F.teamSchool))
            teamSchool[Int(team)] = school
            teamRegistrations.append(TeamFact(team: team, value: Int32(fields.startYear(F.teamSeason)), day: day,
                                              place: place, ref: ref(logged)))
            for id in fields.ids(F.teamMembers) { addMember(team, person(id), day: day) }
        case .teamMemberJoined:
            addMember(team(fields.bytes(F.joinedTeam)), person(fields.bytes(F.joinedPerson)), day: day)
        case .teamMemberLeft:
            let team = self.team(fields.bytes(F.leftTeam))
            let person = person(fields.bytes(F.leftPerson))
            teamMembers[Int(team)].removeAll { $0 == person }
            memberships.append(Membership(team: team, person: person, joins: false, day: day))
        case .projectSubmitted:
            projectSubmissions.append(TeamFact(team: team(fields.bytes(F.submittingTeam)),
                                               value: projects.intern(utf8: fields.bytes(F.submittedProject)),
                                               day: day, place: place, ref: ref(logged)))
        case .teamAdvanced:
            advances.append(TeamFact(team: team(fields.bytes(F.advancedTeam)), value: 0, day: day, place: place,
                                     ref: ref(logged)))
        case .teacherTrainingCompleted:
            trainings.append(Training(person: person(fields.bytes(F.trainedPerson)),
                                      kind: Int32(fields.ordinal(F.trainingKind)),
                                      priority: fields.bool(F.trainingPriority), day: day, place: place,
                                      ref: ref(logged)))
        case .experienceShared:
            experience.append(PersonActivity(person: person(fields.bytes(F.sharingPerson)), value: 0, day: day,
                                             ref: ref(logged)))
        case .staffingDemandDeclared:
            let key = DemandKey(employer: organisation(fields.bytes(F.demandEmployer)),
                                profession: professions.intern(utf8: fields.bytes(F.demandProfession)),
                                year: Int64(fields.integer(F.demandYear)))
            let demand = Demand(key: key, positions: Int32(clamping: fields.integer(F.demandPositions)), place: place,
                                ref: ref(logged))
            // Rule 12: the declaration with the greatest position wins, whatever its date.
            if let index = demandIndex[key] {
                demands[Int(index)] = demand
            } else {
                demandIndex[key] = Int32(demands.count)
                demands.append(demand)
            }
        case .graduateDestinationRecorded:
            let destination = fields.value(F.graduateDestination, as: Destination.self)
            let profile = fields.value(F.graduateProfile, as: GraduateProfile.self)
            graduates.append(Graduate(
                person: person(fields.bytes(F.graduatePerson)), inRegion: fields.bool(F.graduateInRegion),
                furtherEducation: destination == .college || destination == .university,
                technical: profile == .technical || profile == .science, day: day, place: place, ref: ref(logged)))
        case .surveyAnswered:
            surveys.append(Survey(
                respondent: fields.optionalBytes(F.respondent).map { person($0) } ?? Self.none,
                kind: Int32(fields.ordinal(F.respondentKind)),
                satisfaction: Int32(fields.integer(F.satisfaction)), day: day, place: place, ref: ref(logged)))
        case .municipalityRegistered, .professionListed, .personalDataRecorded, .subjectForgotten, .activityAttended,
            .projectScored, .eventRetracted:
            break
        }
    }

    /// The fields the fold reads, resolved once.
    private enum F {
        static let organisationId = EventType.organisationRegistered.field("orgId")
        static let organisationKind = EventType.organisationRegistered.field("kind")
        static let launchedProgramme = EventType.programmeLaunched.field("programmeId")
        static let launchHolder = EventType.programmeLaunched.field("holderOrgId")
        static let launchKind = EventType.programmeLaunched.field("kind")
        static let launchIsNew = EventType.programmeLaunched.field("isNew")
        static let signedAgreement = EventType.agreementSigned.field("agreementId")
        static let signedPartner = EventType.agreementSigned.field("partnerOrgId")
        static let validUntil = EventType.agreementSigned.field("validUntil")
        static let endedAgreement = EventType.agreementEnded.field("agreementId")
        static let enrolledPerson = EventType.studentEnrolled.field("personId")
        static let enrolledSchool = EventType.studentEnrolled.field("schoolOrgId")
        static let enrolledGrade = EventType.studentEnrolled.field("grade")
        static let enrolledYear = EventType.studentEnrolled.field("academicYear")
        static let staffPerson = EventType.staffMemberRegistered.field("personId")
        static let staffOrg = EventType.staffMemberRegistered.field("orgId")
        static let staffRole = EventType.staffMemberRegistered.field("role")
        static let mentorPerson = EventType.mentorRegistered.field("personId")
        static let mentorOrg = EventType.mentorRegistered.field("orgId")
        static let mentorKind = EventType.mentorRegistered.field("mentorKind")
        static let expertPerson = EventType.expertRegistered.field("personId")
        static let expertOrg = EventType.expertRegistered.field("orgId")
        static let diagnosticPerson = EventType.diagnosticCompleted.field("personId")
        static let routePerson = EventType.individualRouteSet.field("personId")
        static let routeYear = EventType.individualRouteSet.field("academicYear")
        static let programmeEnrolledPerson = EventType.programmeEnrolled.field("personId")
        static let programmeEnrolledProgramme = EventType.programmeEnrolled.field("programmeId")
        static let programmeCompletedPerson = EventType.programmeCompleted.field("personId")
        static let programmeCompletedProgramme = EventType.programmeCompleted.field("programmeId")
        static let programmeResult = EventType.programmeCompleted.field("result")
        static let trialPerson = EventType.careerTrialCompleted.field("personId")
        static let competitionResult = EventType.competitionResultRecorded.field("result")
        static let competitionTechnical = EventType.competitionResultRecorded.field("technical")
        static let participantKind = EventType.competitionResultRecorded.field("participantKind")
        static let participantId = EventType.competitionResultRecorded.field("participantId")
        static let startedMentorship = EventType.mentorshipStarted.field("mentorshipId")
        static let menteeKind = EventType.mentorshipStarted.field("menteeKind")
        static let menteeId = EventType.mentorshipStarted.field("menteeId")
        static let endedMentorship = EventType.mentorshipEnded.field("mentorshipId")
        static let registeredTeam = EventType.teamRegistered.field("teamId")
        static let teamSchool = EventType.teamRegistered.field("schoolOrgId")
        static let teamSeason = EventType.teamRegistered.field("season")
        static let teamMembers = EventType.teamRegistered.field("memberIds")
        static let joinedTeam = EventType.teamMemberJoined.field("teamId")
        static let joinedPerson = EventType.teamMemberJoined.field("personId")
        static let leftTeam = EventType.teamMemberLeft.field("teamId")
        static let leftPerson = EventType.teamMemberLeft.field("personId")
        static let submittingTeam = EventType.projectSubmitted.field("teamId")
        static let submittedProject = EventType.projectSubmitted.field("projectId")
        static let advancedTeam = EventType.teamAdvanced.field("teamId")
        static let trainedPerson = EventType.teacherTrainingCompleted.field("personId")
        static let trainingKind = EventType.teacherTrainingCompleted.field("kind")
        static let trainingPriority = EventType.teacherTrainingCompleted.field("priorityArea")
        static let sharingPerson = EventType.experienceShared.field("personId")
        static let demandEmployer = EventType.staffingDemandDeclared.field("employerOrgId")
        static let demandProfession = EventType.staffingDemandDeclared.field("professionCode")
        static let demandYear = EventType.staffingDemandDeclared.field("year")
        static let demandPositions = EventType.staffingDemandDeclared.field("positions")
        static let graduatePerson = EventType.graduateDestinationRecorded.field("personId")
        static let graduateInRegion = EventType.graduateDestinationRecorded.field("inRegion")
        static let graduateDestination = EventType.graduateDestinationRecorded.field("destination")
        static let graduateProfile = EventType.graduateDestinationRecorded.field("profile")
        static let respondent = EventType.surveyAnswered.field("respondentId")
        static let respondentKind = EventType.surveyAnswered.field("respondentKind")
        static let satisfaction = EventType.surveyAnswered.field("satisfaction")
    }

    private mutating func addMember(_ team: Int32, _ person: Int32, day: Int32) {
        if !teamMembers[Int(team)].contains(person) { teamMembers[Int(team)].append(person) }
        memberships.append(Membership(team: team, person: person, joins: true, day: day))
    }

    private mutating func ref(_ logged: LoggedEvent) -> Int32 {
        refs.append(EventRef(position: logged.position, id: logged.id))
        return Int32(refs.count - 1)
    }

    private mutating func person(_ id: UnsafeRawBufferPointer) -> Int32 {
        let person = persons.intern(utf8: id)
        if Int(person) == facetDays.count { facetDays.append(FacetDays()) }
        return person
    }

    private mutating func organisation(_ id: UnsafeRawBufferPointer) -> Int32 {
        let org = organisations.intern(utf8: id)
        if Int(org) == organisationKind.count {
            organisationKind.append(Self.none)
            organisationMunicipality.append(Self.none)
            organisationRegion.append(Self.none)
        }
        return org
    }

    private mutating func programme(_ id: UnsafeRawBufferPointer) -> Int32 {
        let programme = programmes.intern(utf8: id)
        if Int(programme) == programmeHolder.count {
            programmeHolder.append(Self.none)
            programmeKind.append(Self.none)
        }
        return programme
    }

    private mutating func team(_ id: UnsafeRawBufferPointer) -> Int32 {
        let team = teams.intern(utf8: id)
        if Int(team) == teamMembers.count {
            teamMembers.append([])
            teamSchool.append(Self.none)
        }
        return team
    }

    private mutating func mentorship(_ id: UnsafeRawBufferPointer) -> Int32 {
        let mentorship = mentorships.intern(utf8: id)
        if Int(mentorship) == mentorshipEnd.count { mentorshipEnd.append(Self.noDay) }
        return mentorship
    }

    private mutating func agreement(_ id: UnsafeRawBufferPointer) -> Int32 {
        let agreement = agreements.intern(utf8: id)
        if Int(agreement) == agreementEnd.count { agreementEnd.append(Self.noDay) }
        return agreement
    }

    // MARK: - Snapshot

    /// Fact tables only grow, in log order, and are written as growing arrays (a periodic snapshot holds the facts
    /// since the one before); the per-id columns, team members, facet days and demands change in place and are
    /// written whole.
    public func writeSnapshot(to writer: inout SnapshotWriter) {
        for interner in [persons, organisations, teams, programmes, projects, municipalities, regions, mentorships,
                         agreements, professions] {
            writer.interner(interner)
        }
        writer.growing(refs)
        writer.array(academicYears.sorted())
        writer.array(calendarYears.sorted())
        for column in [organisationKind, organisationMunicipality, organisationRegion, programmeHolder, programmeKind,
                       teamSchool, mentorshipEnd, agreementEnd] {
            writer.array(column)
        }
        writer.array(teamMembers.map { Int32($0.count) })
        writer.array(teamMembers.flatMap { $0 })
        writer.array(facetDays)
        writer.growing(enrolments)
        for table in [staff, mentors, experts] { writer.growing(table) }
        writer.growing(programmeEnrolments)
        writer.growing(programmeCompletions)
        for table in [trials, routes, experience] { writer.growing(table) }
        writer.growing(results)
        writer.growing(mentees)
        writer.growing(launches)
        for table in [teamRegistrations, advances, projectSubmissions] { writer.growing(table) }
        writer.growing(memberships)
        writer.growing(trainings)
        writer.array(demands)
        writer.growing(graduates)
        writer.growing(surveys)
        writer.growing(agreementSignings)
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
        refs = try reader.growing()
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
        guard counts.allSatisfy({ $0 >= 0 }), counts.reduce(0, { $0 + Int($1) }) == flat.count,
            flat.allSatisfy({ $0 >= 0 && Int($0) < persons.count })
        else { throw ProjectionError(.badSnapshot, "indicator facts snapshot: team members do not add up") }
        var offset = 0
        teamMembers = counts.map { count in
            defer { offset += Int(count) }
            return Array(flat[offset..<offset + Int(count)])
        }
        facetDays = try reader.array()
        enrolments = try reader.growing()
        staff = try reader.growing()
        mentors = try reader.growing()
        experts = try reader.growing()
        programmeEnrolments = try reader.growing()
        programmeCompletions = try reader.growing()
        trials = try reader.growing()
        routes = try reader.growing()
        experience = try reader.growing()
        results = try reader.growing()
        mentees = try reader.growing()
        launches = try reader.growing()
        teamRegistrations = try reader.growing()
        advances = try reader.growing()
        projectSubmissions = try reader.growing()
        memberships = try reader.growing()
        trainings = try reader.growing()
        demands = try reader.array()
        graduates = try reader.growing()
        surveys = try reader.growing()
        agreementSignings = try reader.growing()
        for (index, demand) in demands.enumerated() { demandIndex[demand.key] = Int32(index) }
        guard reader.isAtEnd else {
            throw ProjectionError(.badSnapshot, "indicator facts snapshot has bytes left over or missing")
        }
        // Each per-id column as long as its interner: the fold indexes them by id without a check.
        guard facetDays.count == persons.count,
            [organisationKind, organisationMunicipality, organisationRegion].allSatisfy({ $0.count == organisations.count }),
            programmeHolder.count == programmes.count, programmeKind.count == programmes.count,
            teamMembers.count == teams.count, teamSchool.count == teams.count,
            mentorshipEnd.count == mentorships.count, agreementEnd.count == agreements.count
        else { throw ProjectionError(.badSnapshot, "indicator facts snapshot: a column does not match its ids") }
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
    /// The catalog bounds no year: kept whole, so no two years can meet.
    var year: Int64
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
