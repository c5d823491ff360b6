/// The `data` of an event: one case per type of the catalog, plus the sealed form of `PersonalDataRecorded`.
public enum EventData: Sendable, Hashable {
    case municipalityRegistered(MunicipalityRegistered)
    case organisationRegistered(OrganisationRegistered)
    case professionListed(ProfessionListed)
    case agreementSigned(AgreementSigned)
    case agreementEnded(AgreementEnded)
    case programmeLaunched(ProgrammeLaunched)
    case studentEnrolled(StudentEnrolled)
    case staffMemberRegistered(StaffMemberRegistered)
    case mentorRegistered(MentorRegistered)
    case expertRegistered(ExpertRegistered)
    case personalDataRecorded(PersonalDataRecorded)
    case subjectForgotten(SubjectForgotten)
    case diagnosticCompleted(DiagnosticCompleted)
    case individualRouteSet(IndividualRouteSet)
    case programmeEnrolled(ProgrammeEnrolled)
    case programmeCompleted(ProgrammeCompleted)
    case careerTrialCompleted(CareerTrialCompleted)
    case activityAttended(ActivityAttended)
    case competitionResultRecorded(CompetitionResultRecorded)
    case mentorshipStarted(MentorshipStarted)
    case mentorshipEnded(MentorshipEnded)
    case teamRegistered(TeamRegistered)
    case teamMemberJoined(TeamMemberJoined)
    case teamMemberLeft(TeamMemberLeft)
    case projectSubmitted(ProjectSubmitted)
    case projectScored(ProjectScored)
    case teamAdvanced(TeamAdvanced)
    case teacherTrainingCompleted(TeacherTrainingCompleted)
    case experienceShared(ExperienceShared)
    case staffingDemandDeclared(StaffingDemandDeclared)
    case graduateDestinationRecorded(GraduateDestinationRecorded)
    case surveyAnswered(SurveyAnswered)
    case eventRetracted(EventRetracted)
    /// `PersonalDataRecorded` as stored: `personId` in clear, the rest encrypted (see ``PersonalDataVault``).
    case sealedPersonalData(SealedPersonalData)

    /// The event type; a sealed `PersonalDataRecorded` is still a `PersonalDataRecorded`.
    public var type: EventType {
        switch self {
        case .municipalityRegistered: .municipalityRegistered
        case .organisationRegistered: .organisationRegistered
        case .professionListed: .professionListed
        case .agreementSigned: .agreementSigned
        case .agreementEnded: .agreementEnded
        case .programmeLaunched: .programmeLaunched
        case .studentEnrolled: .studentEnrolled
        case .staffMemberRegistered: .staffMemberRegistered
        case .mentorRegistered: .mentorRegistered
        case .expertRegistered: .expertRegistered
        case .personalDataRecorded: .personalDataRecorded
        case .subjectForgotten: .subjectForgotten
        case .diagnosticCompleted: .diagnosticCompleted
        case .individualRouteSet: .individualRouteSet
        case .programmeEnrolled: .programmeEnrolled
        case .programmeCompleted: .programmeCompleted
        case .careerTrialCompleted: .careerTrialCompleted
        case .activityAttended: .activityAttended
        case .competitionResultRecorded: .competitionResultRecorded
        case .mentorshipStarted: .mentorshipStarted
        case .mentorshipEnded: .mentorshipEnded
        case .teamRegistered: .teamRegistered
        case .teamMemberJoined: .teamMemberJoined
        case .teamMemberLeft: .teamMemberLeft
        case .projectSubmitted: .projectSubmitted
        case .projectScored: .projectScored
        case .teamAdvanced: .teamAdvanced
        case .teacherTrainingCompleted: .teacherTrainingCompleted
        case .experienceShared: .experienceShared
        case .staffingDemandDeclared: .staffingDemandDeclared
        case .graduateDestinationRecorded: .graduateDestinationRecorded
        case .surveyAnswered: .surveyAnswered
        case .eventRetracted: .eventRetracted
        case .sealedPersonalData: .personalDataRecorded
        }
    }

    /// The stream the event belongs to (EVENTS.md §3, column "stream").
    public var stream: String {
        switch self {
        case .municipalityRegistered(let data): "municipality-" + data.municipalityId
        case .organisationRegistered(let data): "org-" + data.orgId
        case .professionListed(let data): "profession-" + data.professionCode
        case .agreementSigned(let data): "org-" + data.partnerOrgId
        case .agreementEnded(let data): "org-" + data.partnerOrgId
        case .programmeLaunched(let data): "programme-" + data.programmeId
        case .studentEnrolled(let data): "person-" + data.personId
        case .staffMemberRegistered(let data): "person-" + data.personId
        case .mentorRegistered(let data): "person-" + data.personId
        case .expertRegistered(let data): "person-" + data.personId
        case .personalDataRecorded(let data): "person-" + data.personId
        case .subjectForgotten(let data): "person-" + data.personId
        case .diagnosticCompleted(let data): "person-" + data.personId
        case .individualRouteSet(let data): "person-" + data.personId
        case .programmeEnrolled(let data): "person-" + data.personId
        case .programmeCompleted(let data): "person-" + data.personId
        case .careerTrialCompleted(let data): "person-" + data.personId
        case .activityAttended(let data): "person-" + data.personId
        case .competitionResultRecorded(let data): (data.participantKind == .team ? "team-" : "person-") + data.participantId
        case .mentorshipStarted(let data): "mentorship-" + data.mentorshipId
        case .mentorshipEnded(let data): "mentorship-" + data.mentorshipId
        case .teamRegistered(let data): "team-" + data.teamId
        case .teamMemberJoined(let data): "team-" + data.teamId
        case .teamMemberLeft(let data): "team-" + data.teamId
        case .projectSubmitted(let data): "team-" + data.teamId
        case .projectScored(let data): "team-" + data.teamId
        case .teamAdvanced(let data): "team-" + data.teamId
        case .teacherTrainingCompleted(let data): "person-" + data.personId
        case .experienceShared(let data): "person-" + data.personId
        case .staffingDemandDeclared(let data): "org-" + data.employerOrgId
        case .graduateDestinationRecorded(let data): "person-" + data.personId
        case .surveyAnswered(let data): "survey-" + data.surveyId
        case .eventRetracted: "retractions"
        case .sealedPersonalData(let data): "person-" + data.personId
        }
    }

    /// The payload of a catalog type, or `nil` for the sealed form.
    var payload: (any CatalogPayload)? {
        switch self {
        case .municipalityRegistered(let data): data
        case .organisationRegistered(let data): data
        case .professionListed(let data): data
        case .agreementSigned(let data): data
        case .agreementEnded(let data): data
        case .programmeLaunched(let data): data
        case .studentEnrolled(let data): data
        case .staffMemberRegistered(let data): data
        case .mentorRegistered(let data): data
        case .expertRegistered(let data): data
        case .personalDataRecorded(let data): data
        case .subjectForgotten(let data): data
        case .diagnosticCompleted(let data): data
        case .individualRouteSet(let data): data
        case .programmeEnrolled(let data): data
        case .programmeCompleted(let data): data
        case .careerTrialCompleted(let data): data
        case .activityAttended(let data): data
        case .competitionResultRecorded(let data): data
        case .mentorshipStarted(let data): data
        case .mentorshipEnded(let data): data
        case .teamRegistered(let data): data
        case .teamMemberJoined(let data): data
        case .teamMemberLeft(let data): data
        case .projectSubmitted(let data): data
        case .projectScored(let data): data
        case .teamAdvanced(let data): data
        case .teacherTrainingCompleted(let data): data
        case .experienceShared(let data): data
        case .staffingDemandDeclared(let data): data
        case .graduateDestinationRecorded(let data): data
        case .surveyAnswered(let data): data
        case .eventRetracted(let data): data
        case .sealedPersonalData: nil
        }
    }

    /// Builds the data of `type` from validated field values.
    @inline(__always)
    static func make(_ type: EventType, _ values: some FieldSource) -> EventData {
        switch type {
        case .municipalityRegistered: .municipalityRegistered(MunicipalityRegistered(values))
        case .organisationRegistered: .organisationRegistered(OrganisationRegistered(values))
        case .professionListed: .professionListed(ProfessionListed(values))
        case .agreementSigned: .agreementSigned(AgreementSigned(values))
        case .agreementEnded: .agreementEnded(AgreementEnded(values))
        case .programmeLaunched: .programmeLaunched(ProgrammeLaunched(values))
        case .studentEnrolled: .studentEnrolled(StudentEnrolled(values))
        case .staffMemberRegistered: .staffMemberRegistered(StaffMemberRegistered(values))
        case .mentorRegistered: .mentorRegistered(MentorRegistered(values))
        case .expertRegistered: .expertRegistered(ExpertRegistered(values))
        case .personalDataRecorded: .personalDataRecorded(PersonalDataRecorded(values))
        case .subjectForgotten: .subjectForgotten(SubjectForgotten(values))
        case .diagnosticCompleted: .diagnosticCompleted(DiagnosticCompleted(values))
        case .individualRouteSet: .individualRouteSet(IndividualRouteSet(values))
        case .programmeEnrolled: .programmeEnrolled(ProgrammeEnrolled(values))
        case .programmeCompleted: .programmeCompleted(ProgrammeCompleted(values))
        case .careerTrialCompleted: .careerTrialCompleted(CareerTrialCompleted(values))
        case .activityAttended: .activityAttended(ActivityAttended(values))
        case .competitionResultRecorded: .competitionResultRecorded(CompetitionResultRecorded(values))
        case .mentorshipStarted: .mentorshipStarted(MentorshipStarted(values))
        case .mentorshipEnded: .mentorshipEnded(MentorshipEnded(values))
        case .teamRegistered: .teamRegistered(TeamRegistered(values))
        case .teamMemberJoined: .teamMemberJoined(TeamMemberJoined(values))
        case .teamMemberLeft: .teamMemberLeft(TeamMemberLeft(values))
        case .projectSubmitted: .projectSubmitted(ProjectSubmitted(values))
        case .projectScored: .projectScored(ProjectScored(values))
        case .teamAdvanced: .teamAdvanced(TeamAdvanced(values))
        case .teacherTrainingCompleted: .teacherTrainingCompleted(TeacherTrainingCompleted(values))
        case .experienceShared: .experienceShared(ExperienceShared(values))
        case .staffingDemandDeclared: .staffingDemandDeclared(StaffingDemandDeclared(values))
        case .graduateDestinationRecorded: .graduateDestinationRecorded(GraduateDestinationRecorded(values))
        case .surveyAnswered: .surveyAnswered(SurveyAnswered(values))
        case .eventRetracted: .eventRetracted(EventRetracted(values))
        }
    }

    /// Calls `visitor` with the fields of the data in catalog order; `false` for the sealed form.
    func visitFields(_ visitor: inout some FieldVisitor) -> Bool {
        switch self {
        case .municipalityRegistered(let data): data.visitFields(&visitor)
        case .organisationRegistered(let data): data.visitFields(&visitor)
        case .professionListed(let data): data.visitFields(&visitor)
        case .agreementSigned(let data): data.visitFields(&visitor)
        case .agreementEnded(let data): data.visitFields(&visitor)
        case .programmeLaunched(let data): data.visitFields(&visitor)
        case .studentEnrolled(let data): data.visitFields(&visitor)
        case .staffMemberRegistered(let data): data.visitFields(&visitor)
        case .mentorRegistered(let data): data.visitFields(&visitor)
        case .expertRegistered(let data): data.visitFields(&visitor)
        case .personalDataRecorded(let data): data.visitFields(&visitor)
        case .subjectForgotten(let data): data.visitFields(&visitor)
        case .diagnosticCompleted(let data): data.visitFields(&visitor)
        case .individualRouteSet(let data): data.visitFields(&visitor)
        case .programmeEnrolled(let data): data.visitFields(&visitor)
        case .programmeCompleted(let data): data.visitFields(&visitor)
        case .careerTrialCompleted(let data): data.visitFields(&visitor)
        case .activityAttended(let data): data.visitFields(&visitor)
        case .competitionResultRecorded(let data): data.visitFields(&visitor)
        case .mentorshipStarted(let data): data.visitFields(&visitor)
        case .mentorshipEnded(let data): data.visitFields(&visitor)
        case .teamRegistered(let data): data.visitFields(&visitor)
        case .teamMemberJoined(let data): data.visitFields(&visitor)
        case .teamMemberLeft(let data): data.visitFields(&visitor)
        case .projectSubmitted(let data): data.visitFields(&visitor)
        case .projectScored(let data): data.visitFields(&visitor)
        case .teamAdvanced(let data): data.visitFields(&visitor)
        case .teacherTrainingCompleted(let data): data.visitFields(&visitor)
        case .experienceShared(let data): data.visitFields(&visitor)
        case .staffingDemandDeclared(let data): data.visitFields(&visitor)
        case .graduateDestinationRecorded(let data): data.visitFields(&visitor)
        case .surveyAnswered(let data): data.visitFields(&visitor)
        case .eventRetracted(let data): data.visitFields(&visitor)
        case .sealedPersonalData: return false
        }
        return true
    }
}

extension EventType {
    /// The field table of the type's current `data` shape.
    var fields: [FieldSpec] {
        switch self {
        case .municipalityRegistered: MunicipalityRegistered.fields
        case .organisationRegistered: OrganisationRegistered.fields
        case .professionListed: ProfessionListed.fields
        case .agreementSigned: AgreementSigned.fields
        case .agreementEnded: AgreementEnded.fields
        case .programmeLaunched: ProgrammeLaunched.fields
        case .studentEnrolled: StudentEnrolled.fields
        case .staffMemberRegistered: StaffMemberRegistered.fields
        case .mentorRegistered: MentorRegistered.fields
        case .expertRegistered: ExpertRegistered.fields
        case .personalDataRecorded: PersonalDataRecorded.fields
        case .subjectForgotten: SubjectForgotten.fields
        case .diagnosticCompleted: DiagnosticCompleted.fields
        case .individualRouteSet: IndividualRouteSet.fields
        case .programmeEnrolled: ProgrammeEnrolled.fields
        case .programmeCompleted: ProgrammeCompleted.fields
        case .careerTrialCompleted: CareerTrialCompleted.fields
        case .activityAttended: ActivityAttended.fields
        case .competitionResultRecorded: CompetitionResultRecorded.fields
        case .mentorshipStarted: MentorshipStarted.fields
        case .mentorshipEnded: MentorshipEnded.fields
        case .teamRegistered: TeamRegistered.fields
        case .teamMemberJoined: TeamMemberJoined.fields
        case .teamMemberLeft: TeamMemberLeft.fields
        case .projectSubmitted: ProjectSubmitted.fields
        case .projectScored: ProjectScored.fields
        case .teamAdvanced: TeamAdvanced.fields
        case .teacherTrainingCompleted: TeacherTrainingCompleted.fields
        case .experienceShared: ExperienceShared.fields
        case .staffingDemandDeclared: StaffingDemandDeclared.fields
        case .graduateDestinationRecorded: GraduateDestinationRecorded.fields
        case .surveyAnswered: SurveyAnswered.fields
        case .eventRetracted: EventRetracted.fields
        }
    }
}
