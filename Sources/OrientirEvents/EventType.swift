/// The 33 event types of the catalog (EVENTS.md §3); the raw value is the `type` of the interchange format.
public enum EventType: String, CaseIterable, Sendable, Hashable, CustomStringConvertible {
    case municipalityRegistered = "MunicipalityRegistered"
    case organisationRegistered = "OrganisationRegistered"
    case professionListed = "ProfessionListed"
    case agreementSigned = "AgreementSigned"
    case agreementEnded = "AgreementEnded"
    case programmeLaunched = "ProgrammeLaunched"
    case studentEnrolled = "StudentEnrolled"
    case staffMemberRegistered = "StaffMemberRegistered"
    case mentorRegistered = "MentorRegistered"
    case expertRegistered = "ExpertRegistered"
    case personalDataRecorded = "PersonalDataRecorded"
    case subjectForgotten = "SubjectForgotten"
    case diagnosticCompleted = "DiagnosticCompleted"
    case individualRouteSet = "IndividualRouteSet"
    case programmeEnrolled = "ProgrammeEnrolled"
    case programmeCompleted = "ProgrammeCompleted"
    case careerTrialCompleted = "CareerTrialCompleted"
    case activityAttended = "ActivityAttended"
    case competitionResultRecorded = "CompetitionResultRecorded"
    case mentorshipStarted = "MentorshipStarted"
    case mentorshipEnded = "MentorshipEnded"
    case teamRegistered = "TeamRegistered"
    case teamMemberJoined = "TeamMemberJoined"
    case teamMemberLeft = "TeamMemberLeft"
    case projectSubmitted = "ProjectSubmitted"
    case projectScored = "ProjectScored"
    case teamAdvanced = "TeamAdvanced"
    case teacherTrainingCompleted = "TeacherTrainingCompleted"
    case experienceShared = "ExperienceShared"
    case staffingDemandDeclared = "StaffingDemandDeclared"
    case graduateDestinationRecorded = "GraduateDestinationRecorded"
    case surveyAnswered = "SurveyAnswered"
    case eventRetracted = "EventRetracted"

    public var description: String { rawValue }

    /// The current version of this type's `data` shape. Every type of the public catalog is at version 1;
    /// older versions reach the current shape through an ``UpcasterRegistry``.
    public var currentSchemaVersion: Int { 1 }

    /// Whether the type's `data` holds only scalar fields (no lists or maps), so it can be read from CSV.
    public var isFlat: Bool {
        switch self {
        case .programmeLaunched, .expertRegistered, .diagnosticCompleted, .individualRouteSet, .teamRegistered,
            .projectScored:
            false
        default:
            true
        }
    }

    /// Stable one-byte code used by the binary codec: the position in `allCases`. Never reorder the cases.
    @inline(__always)
    var code: UInt8 { unsafeBitCast(self, to: UInt8.self) }

    /// Number of types: codes are `0..<count`.
    static let count = 33

    /// The type whose ``code`` is `code`, which must be below ``count``.
    @inline(__always)
    init(validCode code: UInt8) {
        self = unsafeBitCast(code, to: EventType.self)
    }
}
