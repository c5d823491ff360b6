// The field tables of the catalog: names in catalog order (EVENTS.md §3), kinds and rules (§5, §6).
// Parsing, writing, the binary codec and CSV are all driven by these tables.

extension MunicipalityRegistered: CatalogPayload {
    public static var eventType: EventType { .municipalityRegistered }

    static let fields: [FieldSpec] = [
        FieldSpec("municipalityId", .municipalityId),
        FieldSpec("name", .text),
    ]

    init(_ values: some FieldSource) {
        municipalityId = values.take(0)
        name = values.take(1)
    }

    func visitFields(_ visitor: inout some FieldVisitor) {
        visitor.string(municipalityId)
        visitor.string(name)
    }
}

extension OrganisationRegistered: CatalogPayload {
    public static var eventType: EventType { .organisationRegistered }

    static let fields: [FieldSpec] = [
        FieldSpec("orgId", .id),
        FieldSpec("kind", .enumeration(VocabularyRef(OrganisationKind.vocabulary))),
        FieldSpec("name", .text),
    ]

    init(_ values: some FieldSource) {
        orgId = values.take(0)
        kind = values.take(1)
        name = values.take(2)
    }

    func visitFields(_ visitor: inout some FieldVisitor) {
        visitor.string(orgId)
        visitor.enumeration(kind)
        visitor.string(name)
    }
}

extension ProfessionListed: CatalogPayload {
    public static var eventType: EventType { .professionListed }

    static let fields: [FieldSpec] = [
        FieldSpec("professionCode", .id),
        FieldSpec("title", .text),
        FieldSpec("direction", .enumeration(VocabularyRef(Direction.vocabulary))),
        FieldSpec("inDemand", .bool, optional: true),
    ]

    init(_ values: some FieldSource) {
        professionCode = values.take(0)
        title = values.take(1)
        direction = values.take(2)
        inDemand = values.take(3)
    }

    func visitFields(_ visitor: inout some FieldVisitor) {
        visitor.string(professionCode)
        visitor.string(title)
        visitor.enumeration(direction)
        visitor.bool(inDemand)
    }
}

extension AgreementSigned: CatalogPayload {
    public static var eventType: EventType { .agreementSigned }

    static let fields: [FieldSpec] = [
        FieldSpec("agreementId", .id),
        FieldSpec("partnerOrgId", .id),
        FieldSpec("coordinatorOrgId", .id),
        FieldSpec("kind", .enumeration(VocabularyRef(AgreementKind.vocabulary))),
        FieldSpec("validUntil", .date, optional: true),
    ]

    init(_ values: some FieldSource) {
        agreementId = values.take(0)
        partnerOrgId = values.take(1)
        coordinatorOrgId = values.take(2)
        kind = values.take(3)
        validUntil = values.take(4)
    }

    func visitFields(_ visitor: inout some FieldVisitor) {
        visitor.string(agreementId)
        visitor.string(partnerOrgId)
        visitor.string(coordinatorOrgId)
        visitor.enumeration(kind)
        visitor.date(validUntil)
    }
}

extension AgreementEnded: CatalogPayload {
    public static var eventType: EventType { .agreementEnded }

    static let fields: [FieldSpec] = [
        FieldSpec("agreementId", .id),
        FieldSpec("partnerOrgId", .id),
        FieldSpec("reason", .text, optional: true),
    ]

    init(_ values: some FieldSource) {
        agreementId = values.take(0)
        partnerOrgId = values.take(1)
        reason = values.take(2)
    }

    func visitFields(_ visitor: inout some FieldVisitor) {
        visitor.string(agreementId)
        visitor.string(partnerOrgId)
        visitor.string(reason)
    }
}

extension ProgrammeLaunched: CatalogPayload {
    public static var eventType: EventType { .programmeLaunched }

    static let fields: [FieldSpec] = [
        FieldSpec("programmeId", .id),
        FieldSpec("holderOrgId", .id),
        FieldSpec("kind", .enumeration(VocabularyRef(ProgrammeKind.vocabulary))),
        FieldSpec("title", .text),
        FieldSpec("direction", .enumeration(VocabularyRef(Direction.vocabulary))),
        FieldSpec("professionCodes", .idList),
        FieldSpec("isNew", .bool),
    ]

    init(_ values: some FieldSource) {
        programmeId = values.take(0)
        holderOrgId = values.take(1)
        kind = values.take(2)
        title = values.take(3)
        direction = values.take(4)
        professionCodes = values.take(5)
        isNew = values.take(6)
    }

    func visitFields(_ visitor: inout some FieldVisitor) {
        visitor.string(programmeId)
        visitor.string(holderOrgId)
        visitor.enumeration(kind)
        visitor.string(title)
        visitor.enumeration(direction)
        visitor.strings(professionCodes)
        visitor.bool(isNew)
    }
}

extension StudentEnrolled: CatalogPayload {
    public static var eventType: EventType { .studentEnrolled }

    static let fields: [FieldSpec] = [
        FieldSpec("personId", .id),
        FieldSpec("schoolOrgId", .id),
        FieldSpec("grade", .integer(minimum: 1, maximum: 11)),
        FieldSpec("academicYear", .academicYear),
    ]

    init(_ values: some FieldSource) {
        personId = values.take(0)
        schoolOrgId = values.take(1)
        grade = values.take(2)
        academicYear = values.take(3)
    }

    func visitFields(_ visitor: inout some FieldVisitor) {
        visitor.string(personId)
        visitor.string(schoolOrgId)
        visitor.integer(grade)
        visitor.academicYear(academicYear)
    }
}

extension StaffMemberRegistered: CatalogPayload {
    public static var eventType: EventType { .staffMemberRegistered }

    static let fields: [FieldSpec] = [
        FieldSpec("personId", .id),
        FieldSpec("orgId", .id),
        FieldSpec("role", .enumeration(VocabularyRef(StaffRole.vocabulary))),
    ]

    init(_ values: some FieldSource) {
        personId = values.take(0)
        orgId = values.take(1)
        role = values.take(2)
    }

    func visitFields(_ visitor: inout some FieldVisitor) {
        visitor.string(personId)
        visitor.string(orgId)
        visitor.enumeration(role)
    }
}

extension MentorRegistered: CatalogPayload {
    public static var eventType: EventType { .mentorRegistered }

    static let fields: [FieldSpec] = [
        FieldSpec("personId", .id),
        FieldSpec("mentorKind", .enumeration(VocabularyRef(MentorKind.vocabulary))),
        FieldSpec("orgId", .id, optional: true),
    ]

    init(_ values: some FieldSource) {
        personId = values.take(0)
        mentorKind = values.take(1)
        orgId = values.take(2)
    }

    func visitFields(_ visitor: inout some FieldVisitor) {
        visitor.string(personId)
        visitor.enumeration(mentorKind)
        visitor.string(orgId)
    }
}

extension ExpertRegistered: CatalogPayload {
    public static var eventType: EventType { .expertRegistered }

    static let fields: [FieldSpec] = [
        FieldSpec("personId", .id),
        FieldSpec("orgId", .id, optional: true),
        FieldSpec("directions", .enumList(VocabularyRef(Direction.vocabulary))),
    ]

    init(_ values: some FieldSource) {
        personId = values.take(0)
        orgId = values.take(1)
        directions = values.take(2)
    }

    func visitFields(_ visitor: inout some FieldVisitor) {
        visitor.string(personId)
        visitor.string(orgId)
        visitor.enumerations(directions)
    }
}

extension PersonalDataRecorded: CatalogPayload {
    public static var eventType: EventType { .personalDataRecorded }

    static let fields: [FieldSpec] = [
        FieldSpec("personId", .id),
        FieldSpec("fullName", .text),
        FieldSpec("birthDate", .date, optional: true),
        FieldSpec("contact", .text, optional: true),
    ]

    init(_ values: some FieldSource) {
        personId = values.take(0)
        fullName = values.take(1)
        birthDate = values.take(2)
        contact = values.take(3)
    }

    func visitFields(_ visitor: inout some FieldVisitor) {
        visitor.string(personId)
        visitor.string(fullName)
        visitor.date(birthDate)
        visitor.string(contact)
    }
}

extension SubjectForgotten: CatalogPayload {
    public static var eventType: EventType { .subjectForgotten }

    static let fields: [FieldSpec] = [
        FieldSpec("personId", .id),
        FieldSpec("reason", .text),
    ]

    init(_ values: some FieldSource) {
        personId = values.take(0)
        reason = values.take(1)
    }

    func visitFields(_ visitor: inout some FieldVisitor) {
        visitor.string(personId)
        visitor.string(reason)
    }
}

extension DiagnosticCompleted: CatalogPayload {
    public static var eventType: EventType { .diagnosticCompleted }

    static let fields: [FieldSpec] = [
        FieldSpec("personId", .id),
        FieldSpec("instrument", .text),
        FieldSpec("interests", .directionMap(.closed(0, 100))),
    ]

    init(_ values: some FieldSource) {
        personId = values.take(0)
        instrument = values.take(1)
        interests = values.take(2)
    }

    func visitFields(_ visitor: inout some FieldVisitor) {
        visitor.string(personId)
        visitor.string(instrument)
        visitor.directionMap(interests)
    }
}

extension IndividualRouteSet: CatalogPayload {
    public static var eventType: EventType { .individualRouteSet }

    static let fields: [FieldSpec] = [
        FieldSpec("personId", .id),
        FieldSpec("routeId", .id),
        FieldSpec("academicYear", .academicYear),
        FieldSpec("navigatorId", .id, optional: true),
        FieldSpec("targetProfessionCodes", .idList),
        FieldSpec("programmeIds", .idList),
    ]

    init(_ values: some FieldSource) {
        personId = values.take(0)
        routeId = values.take(1)
        academicYear = values.take(2)
        navigatorId = values.take(3)
        targetProfessionCodes = values.take(4)
        programmeIds = values.take(5)
    }

    func visitFields(_ visitor: inout some FieldVisitor) {
        visitor.string(personId)
        visitor.string(routeId)
        visitor.academicYear(academicYear)
        visitor.string(navigatorId)
        visitor.strings(targetProfessionCodes)
        visitor.strings(programmeIds)
    }
}

extension ProgrammeEnrolled: CatalogPayload {
    public static var eventType: EventType { .programmeEnrolled }

    static let fields: [FieldSpec] = [
        FieldSpec("personId", .id),
        FieldSpec("programmeId", .id),
    ]

    init(_ values: some FieldSource) {
        personId = values.take(0)
        programmeId = values.take(1)
    }

    func visitFields(_ visitor: inout some FieldVisitor) {
        visitor.string(personId)
        visitor.string(programmeId)
    }
}

extension ProgrammeCompleted: CatalogPayload {
    public static var eventType: EventType { .programmeCompleted }

    static let fields: [FieldSpec] = [
        FieldSpec("personId", .id),
        FieldSpec("programmeId", .id),
        FieldSpec("hours", .number(.positive(atMost: 2000)), optional: true),
        FieldSpec("result", .enumeration(VocabularyRef(ProgrammeResult.vocabulary))),
    ]

    init(_ values: some FieldSource) {
        personId = values.take(0)
        programmeId = values.take(1)
        hours = values.take(2)
        result = values.take(3)
    }

    func visitFields(_ visitor: inout some FieldVisitor) {
        visitor.string(personId)
        visitor.string(programmeId)
        visitor.number(hours)
        visitor.enumeration(result)
    }
}

extension CareerTrialCompleted: CatalogPayload {
    public static var eventType: EventType { .careerTrialCompleted }

    static let fields: [FieldSpec] = [
        FieldSpec("trialId", .id),
        FieldSpec("personId", .id),
        FieldSpec("professionCode", .id),
        FieldSpec("providerOrgId", .id),
        FieldSpec("programmeId", .id, optional: true),
        FieldSpec("mode", .enumeration(VocabularyRef(TrialMode.vocabulary))),
        FieldSpec("hours", .number(.positive(atMost: 200))),
        FieldSpec("outcome", .enumeration(VocabularyRef(TrialOutcome.vocabulary))),
        FieldSpec("externalScore", .number(.closed(0, 100)), optional: true),
        FieldSpec("selfAssessment", .integer(minimum: 1, maximum: 5), optional: true),
    ]

    init(_ values: some FieldSource) {
        trialId = values.take(0)
        personId = values.take(1)
        professionCode = values.take(2)
        providerOrgId = values.take(3)
        programmeId = values.take(4)
        mode = values.take(5)
        hours = values.take(6)
        outcome = values.take(7)
        externalScore = values.take(8)
        selfAssessment = values.take(9)
    }

    func visitFields(_ visitor: inout some FieldVisitor) {
        visitor.string(trialId)
        visitor.string(personId)
        visitor.string(professionCode)
        visitor.string(providerOrgId)
        visitor.string(programmeId)
        visitor.enumeration(mode)
        visitor.number(hours)
        visitor.enumeration(outcome)
        visitor.number(externalScore)
        visitor.integer(selfAssessment)
    }
}

extension ActivityAttended: CatalogPayload {
    public static var eventType: EventType { .activityAttended }

    static let fields: [FieldSpec] = [
        FieldSpec("activityId", .id),
        FieldSpec("personId", .id),
        FieldSpec("kind", .enumeration(VocabularyRef(ActivityKind.vocabulary))),
        FieldSpec("organiserOrgId", .id, optional: true),
        FieldSpec("level", .enumeration(VocabularyRef(Level.vocabulary))),
        FieldSpec("title", .text, optional: true),
    ]

    init(_ values: some FieldSource) {
        activityId = values.take(0)
        personId = values.take(1)
        kind = values.take(2)
        organiserOrgId = values.take(3)
        level = values.take(4)
        title = values.take(5)
    }

    func visitFields(_ visitor: inout some FieldVisitor) {
        visitor.string(activityId)
        visitor.string(personId)
        visitor.enumeration(kind)
        visitor.string(organiserOrgId)
        visitor.enumeration(level)
        visitor.string(title)
    }
}

extension CompetitionResultRecorded: CatalogPayload {
    public static var eventType: EventType { .competitionResultRecorded }

    static let fields: [FieldSpec] = [
        FieldSpec("competitionId", .id),
        FieldSpec("title", .text),
        FieldSpec("level", .enumeration(VocabularyRef(Level.vocabulary))),
        FieldSpec("participantKind", .enumeration(VocabularyRef(ParticipantKind.vocabulary))),
        FieldSpec("participantId", .id),
        FieldSpec("result", .enumeration(VocabularyRef(CompetitionResult.vocabulary))),
        FieldSpec("direction", .enumeration(VocabularyRef(Direction.vocabulary))),
        FieldSpec("technical", .bool),
        FieldSpec("supervisorId", .id, optional: true),
    ]

    init(_ values: some FieldSource) {
        competitionId = values.take(0)
        title = values.take(1)
        level = values.take(2)
        participantKind = values.take(3)
        participantId = values.take(4)
        result = values.take(5)
        direction = values.take(6)
        technical = values.take(7)
        supervisorId = values.take(8)
    }

    func visitFields(_ visitor: inout some FieldVisitor) {
        visitor.string(competitionId)
        visitor.string(title)
        visitor.enumeration(level)
        visitor.enumeration(participantKind)
        visitor.string(participantId)
        visitor.enumeration(result)
        visitor.enumeration(direction)
        visitor.bool(technical)
        visitor.string(supervisorId)
    }
}

extension MentorshipStarted: CatalogPayload {
    public static var eventType: EventType { .mentorshipStarted }

    static let fields: [FieldSpec] = [
        FieldSpec("mentorshipId", .id),
        FieldSpec("mentorId", .id),
        FieldSpec("menteeKind", .enumeration(VocabularyRef(MenteeKind.vocabulary))),
        FieldSpec("menteeId", .id),
        FieldSpec("form", .enumeration(VocabularyRef(MentorshipForm.vocabulary))),
        FieldSpec("programmeId", .id, optional: true),
    ]

    init(_ values: some FieldSource) {
        mentorshipId = values.take(0)
        mentorId = values.take(1)
        menteeKind = values.take(2)
        menteeId = values.take(3)
        form = values.take(4)
        programmeId = values.take(5)
    }

    func visitFields(_ visitor: inout some FieldVisitor) {
        visitor.string(mentorshipId)
        visitor.string(mentorId)
        visitor.enumeration(menteeKind)
        visitor.string(menteeId)
        visitor.enumeration(form)
        visitor.string(programmeId)
    }
}

extension MentorshipEnded: CatalogPayload {
    public static var eventType: EventType { .mentorshipEnded }

    static let fields: [FieldSpec] = [
        FieldSpec("mentorshipId", .id),
        FieldSpec("outcome", .enumeration(VocabularyRef(MentorshipOutcome.vocabulary))),
    ]

    init(_ values: some FieldSource) {
        mentorshipId = values.take(0)
        outcome = values.take(1)
    }

    func visitFields(_ visitor: inout some FieldVisitor) {
        visitor.string(mentorshipId)
        visitor.enumeration(outcome)
    }
}

extension TeamRegistered: CatalogPayload {
    public static var eventType: EventType { .teamRegistered }

    static let fields: [FieldSpec] = [
        FieldSpec("teamId", .id),
        FieldSpec("schoolOrgId", .id),
        FieldSpec("season", .academicYear),
        FieldSpec("line", .enumeration(VocabularyRef(TeamLine.vocabulary))),
        FieldSpec("name", .text),
        FieldSpec("memberIds", .memberList),
        FieldSpec("curatorId", .id, optional: true),
    ]

    init(_ values: some FieldSource) {
        teamId = values.take(0)
        schoolOrgId = values.take(1)
        season = values.take(2)
        line = values.take(3)
        name = values.take(4)
        memberIds = values.take(5)
        curatorId = values.take(6)
    }

    func visitFields(_ visitor: inout some FieldVisitor) {
        visitor.string(teamId)
        visitor.string(schoolOrgId)
        visitor.academicYear(season)
        visitor.enumeration(line)
        visitor.string(name)
        visitor.strings(memberIds)
        visitor.string(curatorId)
    }
}

extension TeamMemberJoined: CatalogPayload {
    public static var eventType: EventType { .teamMemberJoined }

    static let fields: [FieldSpec] = [
        FieldSpec("teamId", .id),
        FieldSpec("personId", .id),
    ]

    init(_ values: some FieldSource) {
        teamId = values.take(0)
        personId = values.take(1)
    }

    func visitFields(_ visitor: inout some FieldVisitor) {
        visitor.string(teamId)
        visitor.string(personId)
    }
}

extension TeamMemberLeft: CatalogPayload {
    public static var eventType: EventType { .teamMemberLeft }

    static let fields: [FieldSpec] = [
        FieldSpec("teamId", .id),
        FieldSpec("personId", .id),
    ]

    init(_ values: some FieldSource) {
        teamId = values.take(0)
        personId = values.take(1)
    }

    func visitFields(_ visitor: inout some FieldVisitor) {
        visitor.string(teamId)
        visitor.string(personId)
    }
}

extension ProjectSubmitted: CatalogPayload {
    public static var eventType: EventType { .projectSubmitted }

    static let fields: [FieldSpec] = [
        FieldSpec("projectId", .id),
        FieldSpec("teamId", .id),
        FieldSpec("title", .text),
        FieldSpec("line", .enumeration(VocabularyRef(TeamLine.vocabulary))),
    ]

    init(_ values: some FieldSource) {
        projectId = values.take(0)
        teamId = values.take(1)
        title = values.take(2)
        line = values.take(3)
    }

    func visitFields(_ visitor: inout some FieldVisitor) {
        visitor.string(projectId)
        visitor.string(teamId)
        visitor.string(title)
        visitor.enumeration(line)
    }
}

extension ProjectScored: CatalogPayload {
    public static var eventType: EventType { .projectScored }

    static let fields: [FieldSpec] = [
        FieldSpec("projectId", .id),
        FieldSpec("teamId", .id),
        FieldSpec("expertId", .id),
        FieldSpec("round", .integer(minimum: 1, maximum: nil)),
        FieldSpec("criteria", .criteriaMap(.closed(0, 10))),
        FieldSpec("total", .number(.unbounded)),
    ]

    init(_ values: some FieldSource) {
        projectId = values.take(0)
        teamId = values.take(1)
        expertId = values.take(2)
        round = values.take(3)
        criteria = values.take(4)
        total = values.take(5)
    }

    func visitFields(_ visitor: inout some FieldVisitor) {
        visitor.string(projectId)
        visitor.string(teamId)
        visitor.string(expertId)
        visitor.integer(round)
        visitor.numberMap(criteria)
        visitor.number(total)
    }
}

extension TeamAdvanced: CatalogPayload {
    public static var eventType: EventType { .teamAdvanced }

    static let fields: [FieldSpec] = [
        FieldSpec("teamId", .id),
        FieldSpec("toLevel", .enumeration(VocabularyRef(Level.vocabulary))),
    ]

    init(_ values: some FieldSource) {
        teamId = values.take(0)
        toLevel = values.take(1)
    }

    func visitFields(_ visitor: inout some FieldVisitor) {
        visitor.string(teamId)
        visitor.enumeration(toLevel)
    }
}

extension TeacherTrainingCompleted: CatalogPayload {
    public static var eventType: EventType { .teacherTrainingCompleted }

    static let fields: [FieldSpec] = [
        FieldSpec("personId", .id),
        FieldSpec("kind", .enumeration(VocabularyRef(TrainingKind.vocabulary))),
        FieldSpec("providerOrgId", .id, optional: true),
        FieldSpec("hours", .number(.positive(atMost: 2000))),
        FieldSpec("priorityArea", .bool),
    ]

    init(_ values: some FieldSource) {
        personId = values.take(0)
        kind = values.take(1)
        providerOrgId = values.take(2)
        hours = values.take(3)
        priorityArea = values.take(4)
    }

    func visitFields(_ visitor: inout some FieldVisitor) {
        visitor.string(personId)
        visitor.enumeration(kind)
        visitor.string(providerOrgId)
        visitor.number(hours)
        visitor.bool(priorityArea)
    }
}

extension ExperienceShared: CatalogPayload {
    public static var eventType: EventType { .experienceShared }

    static let fields: [FieldSpec] = [
        FieldSpec("personId", .id),
        FieldSpec("format", .enumeration(VocabularyRef(ExperienceFormat.vocabulary))),
        FieldSpec("level", .enumeration(VocabularyRef(Level.vocabulary))),
        FieldSpec("indexed", .bool, optional: true),
    ]

    init(_ values: some FieldSource) {
        personId = values.take(0)
        format = values.take(1)
        level = values.take(2)
        indexed = values.take(3)
    }

    func visitFields(_ visitor: inout some FieldVisitor) {
        visitor.string(personId)
        visitor.enumeration(format)
        visitor.enumeration(level)
        visitor.bool(indexed)
    }
}

extension StaffingDemandDeclared: CatalogPayload {
    public static var eventType: EventType { .staffingDemandDeclared }

    static let fields: [FieldSpec] = [
        FieldSpec("employerOrgId", .id),
        FieldSpec("professionCode", .id),
        FieldSpec("year", .integer(minimum: nil, maximum: nil)),
        FieldSpec("positions", .integer(minimum: 0, maximum: nil)),
    ]

    init(_ values: some FieldSource) {
        employerOrgId = values.take(0)
        professionCode = values.take(1)
        year = values.take(2)
        positions = values.take(3)
    }

    func visitFields(_ visitor: inout some FieldVisitor) {
        visitor.string(employerOrgId)
        visitor.string(professionCode)
        visitor.integer(year)
        visitor.integer(positions)
    }
}

extension GraduateDestinationRecorded: CatalogPayload {
    public static var eventType: EventType { .graduateDestinationRecorded }

    static let fields: [FieldSpec] = [
        FieldSpec("personId", .id),
        FieldSpec("destination", .enumeration(VocabularyRef(Destination.vocabulary))),
        FieldSpec("orgId", .id, optional: true),
        FieldSpec("professionCode", .id, optional: true),
        FieldSpec("inRegion", .bool),
        FieldSpec("profile", .enumeration(VocabularyRef(GraduateProfile.vocabulary))),
    ]

    init(_ values: some FieldSource) {
        personId = values.take(0)
        destination = values.take(1)
        orgId = values.take(2)
        professionCode = values.take(3)
        inRegion = values.take(4)
        profile = values.take(5)
    }

    func visitFields(_ visitor: inout some FieldVisitor) {
        visitor.string(personId)
        visitor.enumeration(destination)
        visitor.string(orgId)
        visitor.string(professionCode)
        visitor.bool(inRegion)
        visitor.enumeration(profile)
    }
}

extension SurveyAnswered: CatalogPayload {
    public static var eventType: EventType { .surveyAnswered }

    static let fields: [FieldSpec] = [
        FieldSpec("surveyId", .id),
        FieldSpec("respondentKind", .enumeration(VocabularyRef(RespondentKind.vocabulary))),
        FieldSpec("respondentId", .id, optional: true),
        FieldSpec("satisfaction", .integer(minimum: 1, maximum: 5)),
    ]

    init(_ values: some FieldSource) {
        surveyId = values.take(0)
        respondentKind = values.take(1)
        respondentId = values.take(2)
        satisfaction = values.take(3)
    }

    func visitFields(_ visitor: inout some FieldVisitor) {
        visitor.string(surveyId)
        visitor.enumeration(respondentKind)
        visitor.string(respondentId)
        visitor.integer(satisfaction)
    }
}

extension EventRetracted: CatalogPayload {
    public static var eventType: EventType { .eventRetracted }

    static let fields: [FieldSpec] = [
        FieldSpec("eventId", .eventID),
        FieldSpec("reason", .text),
    ]

    init(_ values: some FieldSource) {
        eventId = values.take(0)
        reason = values.take(1)
    }

    func visitFields(_ visitor: inout some FieldVisitor) {
        visitor.eventID(eventId)
        visitor.string(reason)
    }
}
