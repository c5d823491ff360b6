// Demand, outcomes, feedback and corrections.

/// `StaffingDemandDeclared`: An employer declares staff needed for a year; the latest per (employer, profession, year) counts.
public struct StaffingDemandDeclared: EventPayload {
    public var employerOrgId: String
    public var professionCode: String
    public var year: Int
    public var positions: Int

    public init(employerOrgId: String, professionCode: String, year: Int, positions: Int) {
        self.employerOrgId = employerOrgId
        self.professionCode = professionCode
        self.year = year
        self.positions = positions
    }
}

/// `GraduateDestinationRecorded`: Where a graduate went.
public struct GraduateDestinationRecorded: EventPayload {
    public var personId: String
    public var destination: Destination
    public var orgId: String?
    public var professionCode: String?
    public var inRegion: Bool
    public var profile: GraduateProfile

    public init(
        personId: String,
        destination: Destination,
        orgId: String? = nil,
        professionCode: String? = nil,
        inRegion: Bool,
        profile: GraduateProfile
    ) {
        self.personId = personId
        self.destination = destination
        self.orgId = orgId
        self.professionCode = professionCode
        self.inRegion = inRegion
        self.profile = profile
    }
}

/// `SurveyAnswered`: A satisfaction survey answer.
public struct SurveyAnswered: EventPayload {
    public var surveyId: String
    public var respondentKind: RespondentKind
    public var respondentId: String?
    public var satisfaction: Int

    public init(surveyId: String, respondentKind: RespondentKind, respondentId: String? = nil, satisfaction: Int) {
        self.surveyId = surveyId
        self.respondentKind = respondentKind
        self.respondentId = respondentId
        self.satisfaction = satisfaction
    }
}

/// `EventRetracted`: A correction: the event with `eventId` counts as never appended from here on.
public struct EventRetracted: EventPayload {
    public var eventId: EventID
    public var reason: String

    public init(eventId: EventID, reason: String) {
        self.eventId = eventId
        self.reason = reason
    }
}
