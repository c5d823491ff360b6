// Guidance and activity: diagnostics, routes, programmes, trials, activities, competitions, mentorships.

/// `DiagnosticCompleted`: A career-guidance diagnostic with interest scores by direction.
public struct DiagnosticCompleted: EventPayload {
    public var personId: String
    public var instrument: String
    public var interests: [Direction: Double]

    public init(personId: String, instrument: String, interests: [Direction: Double]) {
        self.personId = personId
        self.instrument = instrument
        self.interests = interests
    }
}

/// `IndividualRouteSet`: An individual educational route for an academic year; a later one replaces it.
public struct IndividualRouteSet: EventPayload {
    public var personId: String
    public var routeId: String
    public var academicYear: AcademicYear
    public var navigatorId: String?
    public var targetProfessionCodes: [String]
    public var programmeIds: [String]

    public init(
        personId: String,
        routeId: String,
        academicYear: AcademicYear,
        navigatorId: String? = nil,
        targetProfessionCodes: [String],
        programmeIds: [String]
    ) {
        self.personId = personId
        self.routeId = routeId
        self.academicYear = academicYear
        self.navigatorId = navigatorId
        self.targetProfessionCodes = targetProfessionCodes
        self.programmeIds = programmeIds
    }
}

/// `ProgrammeEnrolled`: A person enrols in a programme.
public struct ProgrammeEnrolled: EventPayload {
    public var personId: String
    public var programmeId: String

    public init(personId: String, programmeId: String) {
        self.personId = personId
        self.programmeId = programmeId
    }
}

/// `ProgrammeCompleted`: A person completes (or leaves) a programme.
public struct ProgrammeCompleted: EventPayload {
    public var personId: String
    public var programmeId: String
    public var hours: Double?
    public var result: ProgrammeResult

    public init(personId: String, programmeId: String, hours: Double? = nil, result: ProgrammeResult) {
        self.personId = personId
        self.programmeId = programmeId
        self.hours = hours
        self.result = result
    }
}

/// `CareerTrialCompleted`: A career trial (профессиональная проба) is completed.
public struct CareerTrialCompleted: EventPayload {
    public var trialId: String
    public var personId: String
    public var professionCode: String
    public var providerOrgId: String
    public var programmeId: String?
    public var mode: TrialMode
    public var hours: Double
    public var outcome: TrialOutcome
    public var externalScore: Double?
    public var selfAssessment: Int?

    public init(
        trialId: String,
        personId: String,
        professionCode: String,
        providerOrgId: String,
        programmeId: String? = nil,
        mode: TrialMode,
        hours: Double,
        outcome: TrialOutcome,
        externalScore: Double? = nil,
        selfAssessment: Int? = nil
    ) {
        self.trialId = trialId
        self.personId = personId
        self.professionCode = professionCode
        self.providerOrgId = providerOrgId
        self.programmeId = programmeId
        self.mode = mode
        self.hours = hours
        self.outcome = outcome
        self.externalScore = externalScore
        self.selfAssessment = selfAssessment
    }
}

/// `ActivityAttended`: A person attends a career-guidance activity.
public struct ActivityAttended: EventPayload {
    public var activityId: String
    public var personId: String
    public var kind: ActivityKind
    public var organiserOrgId: String?
    public var level: Level
    public var title: String?

    public init(
        activityId: String,
        personId: String,
        kind: ActivityKind,
        organiserOrgId: String? = nil,
        level: Level,
        title: String? = nil
    ) {
        self.activityId = activityId
        self.personId = personId
        self.kind = kind
        self.organiserOrgId = organiserOrgId
        self.level = level
        self.title = title
    }
}

/// `CompetitionResultRecorded`: A person's or team's result in a competition.
public struct CompetitionResultRecorded: EventPayload {
    public var competitionId: String
    public var title: String
    public var level: Level
    public var participantKind: ParticipantKind
    public var participantId: String
    public var result: CompetitionResult
    public var direction: Direction
    public var technical: Bool
    public var supervisorId: String?

    public init(
        competitionId: String,
        title: String,
        level: Level,
        participantKind: ParticipantKind,
        participantId: String,
        result: CompetitionResult,
        direction: Direction,
        technical: Bool,
        supervisorId: String? = nil
    ) {
        self.competitionId = competitionId
        self.title = title
        self.level = level
        self.participantKind = participantKind
        self.participantId = participantId
        self.result = result
        self.direction = direction
        self.technical = technical
        self.supervisorId = supervisorId
    }
}

/// `MentorshipStarted`: A mentorship pair (or mentor and team) starts.
public struct MentorshipStarted: EventPayload {
    public var mentorshipId: String
    public var mentorId: String
    public var menteeKind: MenteeKind
    public var menteeId: String
    public var form: MentorshipForm
    public var programmeId: String?

    public init(
        mentorshipId: String,
        mentorId: String,
        menteeKind: MenteeKind,
        menteeId: String,
        form: MentorshipForm,
        programmeId: String? = nil
    ) {
        self.mentorshipId = mentorshipId
        self.mentorId = mentorId
        self.menteeKind = menteeKind
        self.menteeId = menteeId
        self.form = form
        self.programmeId = programmeId
    }
}

/// `MentorshipEnded`: A mentorship ends.
public struct MentorshipEnded: EventPayload {
    public var mentorshipId: String
    public var outcome: MentorshipOutcome

    public init(mentorshipId: String, outcome: MentorshipOutcome) {
        self.mentorshipId = mentorshipId
        self.outcome = outcome
    }
}
