import OrientirEvents

/// The kinds of thing an event can register or refer to by id.
enum Referent: String, CaseIterable, Comparable {
    case person, organisation, profession, programme, team, project, mentorship, agreement

    static func < (a: Referent, b: Referent) -> Bool { a.rawValue < b.rawValue }
}

/// One id an event names: which field, what kind of thing, which id.
struct Reference {
    var field: String
    var kind: Referent
    var id: String
}

extension EventData {
    /// What this event registers: the things later (or earlier) events may refer to.
    var registers: (Referent, String)? {
        switch self {
        case .studentEnrolled(let d): (.person, d.personId)
        case .staffMemberRegistered(let d): (.person, d.personId)
        case .mentorRegistered(let d): (.person, d.personId)
        case .expertRegistered(let d): (.person, d.personId)
        case .organisationRegistered(let d): (.organisation, d.orgId)
        case .professionListed(let d): (.profession, d.professionCode)
        case .programmeLaunched(let d): (.programme, d.programmeId)
        case .teamRegistered(let d): (.team, d.teamId)
        case .projectSubmitted(let d): (.project, d.projectId)
        case .mentorshipStarted(let d): (.mentorship, d.mentorshipId)
        case .agreementSigned(let d): (.agreement, d.agreementId)
        default: nil
        }
    }

    /// Every id this event refers to, by field (EVENTS.md §3).
    var references: [Reference] {
        func person(_ field: String, _ id: String?) -> [Reference] {
            id.map { [Reference(field: field, kind: .person, id: $0)] } ?? []
        }
        func org(_ field: String, _ id: String?) -> [Reference] {
            id.map { [Reference(field: field, kind: .organisation, id: $0)] } ?? []
        }
        func profession(_ field: String, _ ids: [String]) -> [Reference] {
            ids.map { Reference(field: field, kind: .profession, id: $0) }
        }
        func programme(_ field: String, _ ids: [String]) -> [Reference] {
            ids.map { Reference(field: field, kind: .programme, id: $0) }
        }
        func team(_ field: String, _ id: String) -> [Reference] { [Reference(field: field, kind: .team, id: id)] }
        switch self {
        case .agreementSigned(let d):
            return org("partnerOrgId", d.partnerOrgId) + org("coordinatorOrgId", d.coordinatorOrgId)
        case .agreementEnded(let d):
            return [Reference(field: "agreementId", kind: .agreement, id: d.agreementId)]
                + org("partnerOrgId", d.partnerOrgId)
        case .programmeLaunched(let d):
            return org("holderOrgId", d.holderOrgId) + profession("professionCodes", d.professionCodes)
        case .studentEnrolled(let d): return org("schoolOrgId", d.schoolOrgId)
        case .staffMemberRegistered(let d): return org("orgId", d.orgId)
        case .mentorRegistered(let d): return org("orgId", d.orgId)
        case .expertRegistered(let d): return org("orgId", d.orgId)
        case .personalDataRecorded(let d): return person("personId", d.personId)
        case .sealedPersonalData(let d): return person("personId", d.personId)
        case .subjectForgotten(let d): return person("personId", d.personId)
        case .diagnosticCompleted(let d): return person("personId", d.personId)
        case .individualRouteSet(let d):
            return person("personId", d.personId) + person("navigatorId", d.navigatorId)
                + profession("targetProfessionCodes", d.targetProfessionCodes) + programme("programmeIds", d.programmeIds)
        case .programmeEnrolled(let d): return person("personId", d.personId) + programme("programmeId", [d.programmeId])
        case .programmeCompleted(let d):
            return person("personId", d.personId) + programme("programmeId", [d.programmeId])
        case .careerTrialCompleted(let d):
            return person("personId", d.personId) + profession("professionCode", [d.professionCode])
                + org("providerOrgId", d.providerOrgId) + programme("programmeId", d.programmeId.map { [$0] } ?? [])
        case .activityAttended(let d): return person("personId", d.personId) + org("organiserOrgId", d.organiserOrgId)
        case .competitionResultRecorded(let d):
            return (d.participantKind == .team ? team("participantId", d.participantId)
                : person("participantId", d.participantId)) + person("supervisorId", d.supervisorId)
        case .mentorshipStarted(let d):
            return person("mentorId", d.mentorId)
                + (d.menteeKind == .team ? team("menteeId", d.menteeId) : person("menteeId", d.menteeId))
                + programme("programmeId", d.programmeId.map { [$0] } ?? [])
        case .mentorshipEnded(let d): return [Reference(field: "mentorshipId", kind: .mentorship, id: d.mentorshipId)]
        case .teamRegistered(let d):
            return org("schoolOrgId", d.schoolOrgId) + d.memberIds.flatMap { person("memberIds", $0) }
                + person("curatorId", d.curatorId)
        case .teamMemberJoined(let d): return team("teamId", d.teamId) + person("personId", d.personId)
        case .teamMemberLeft(let d): return team("teamId", d.teamId) + person("personId", d.personId)
        case .projectSubmitted(let d): return team("teamId", d.teamId)
        case .projectScored(let d):
            return [Reference(field: "projectId", kind: .project, id: d.projectId)] + team("teamId", d.teamId)
                + person("expertId", d.expertId)
        case .teamAdvanced(let d): return team("teamId", d.teamId)
        case .teacherTrainingCompleted(let d):
            return person("personId", d.personId) + org("providerOrgId", d.providerOrgId)
        case .experienceShared(let d): return person("personId", d.personId)
        case .staffingDemandDeclared(let d):
            return org("employerOrgId", d.employerOrgId) + profession("professionCode", [d.professionCode])
        case .graduateDestinationRecorded(let d):
            return person("personId", d.personId) + org("orgId", d.orgId)
                + profession("professionCode", d.professionCode.map { [$0] } ?? [])
        case .surveyAnswered(let d): return person("respondentId", d.respondentId)
        case .municipalityRegistered, .organisationRegistered, .professionListed, .eventRetracted: return []
        }
    }
}
