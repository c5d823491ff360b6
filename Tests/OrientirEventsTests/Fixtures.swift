import OrientirEvents

/// One valid canonical NDJSON line per event type, with the stream each belongs to.
enum Fixtures {
    static func line(_ type: String, _ data: String, source: Bool = true) -> String {
        #"{"id":"5f0c8a9e-2b1d-4c55-9a51-0c7e3f0b9a10","type":""# + type
            + #"","schema":1,"occurredAt":"2024-03-14T10:00:00+03:00","region":"58","municipality":"penza","#
            + (source ? #""source":"org-cto-penza","# : "") + #""data":"# + data + "}"
    }

    static let samples: [(type: EventType, line: String, stream: String)] = [
        (.municipalityRegistered, line("MunicipalityRegistered", #"{"municipalityId":"penza","name":"Пенза"}"#), "municipality-penza"),
        (.organisationRegistered, line("OrganisationRegistered", #"{"orgId":"org-col-0004","kind":"college","name":"Колледж"}"#), "org-org-col-0004"),
        (.professionListed, line("ProfessionListed", #"{"professionCode":"welder","title":"Сварщик","direction":"engineering","inDemand":true}"#), "profession-welder"),
        (.agreementSigned, line("AgreementSigned", #"{"agreementId":"agr-1","partnerOrgId":"org-emp-1","coordinatorOrgId":"org-add-1","kind":"mentoring","validUntil":"2025-06-30"}"#), "org-org-emp-1"),
        (.agreementEnded, line("AgreementEnded", #"{"agreementId":"agr-1","partnerOrgId":"org-emp-1","reason":"истёк срок"}"#), "org-org-emp-1"),
        (.programmeLaunched, line("ProgrammeLaunched", #"{"programmeId":"prg-1","holderOrgId":"org-col-1","kind":"dual","title":"Программа","direction":"it","professionCodes":["programmer","sysadmin"],"isNew":false}"#), "programme-prg-1"),
        (.studentEnrolled, line("StudentEnrolled", #"{"personId":"p-1","schoolOrgId":"org-sch-1","grade":9,"academicYear":"2023-24"}"#), "person-p-1"),
        (.staffMemberRegistered, line("StaffMemberRegistered", #"{"personId":"t-1","orgId":"org-sch-1","role":"navigator"}"#), "person-t-1"),
        (.mentorRegistered, line("MentorRegistered", #"{"personId":"m-1","mentorKind":"employer_specialist","orgId":"org-emp-1"}"#), "person-m-1"),
        (.expertRegistered, line("ExpertRegistered", #"{"personId":"e-1","directions":["it","design"]}"#), "person-e-1"),
        (.personalDataRecorded, line("PersonalDataRecorded", #"{"personId":"p-1","fullName":"Иванов Иван","birthDate":"2010-02-28","contact":"+7 900 000-00-00"}"#, source: false), "person-p-1"),
        (.subjectForgotten, line("SubjectForgotten", #"{"personId":"p-1","reason":"заявление родителя"}"#), "person-p-1"),
        (.diagnosticCompleted, line("DiagnosticCompleted", #"{"personId":"p-1","instrument":"Билет в будущее","interests":{"arts":72,"it":30.5}}"#), "person-p-1"),
        (.individualRouteSet, line("IndividualRouteSet", #"{"personId":"p-1","routeId":"r-1","academicYear":"2099-00","navigatorId":"t-1","targetProfessionCodes":["welder"],"programmeIds":[]}"#), "person-p-1"),
        (.programmeEnrolled, line("ProgrammeEnrolled", #"{"personId":"p-1","programmeId":"prg-1"}"#), "person-p-1"),
        (.programmeCompleted, line("ProgrammeCompleted", #"{"personId":"p-1","programmeId":"prg-1","hours":72,"result":"certificate"}"#), "person-p-1"),
        (.careerTrialCompleted, line("CareerTrialCompleted", #"{"trialId":"tr-88121","personId":"p-000123","professionCode":"cnc-operator","providerOrgId":"org-col-0004","mode":"on_site","hours":6,"outcome":"positive","externalScore":82,"selfAssessment":4}"#), "person-p-000123"),
        (.activityAttended, line("ActivityAttended", #"{"activityId":"a-1","personId":"p-1","kind":"job_fair","level":"municipal","title":"Ярмарка"}"#), "person-p-1"),
        (.competitionResultRecorded, line("CompetitionResultRecorded", #"{"competitionId":"c-1","title":"НТО","level":"federal","participantKind":"team","participantId":"team-7","result":"prize_winner","direction":"engineering","technical":true}"#), "team-team-7"),
        (.mentorshipStarted, line("MentorshipStarted", #"{"mentorshipId":"ms-1","mentorId":"m-1","menteeKind":"person","menteeId":"p-1","form":"employer_student"}"#), "mentorship-ms-1"),
        (.mentorshipEnded, line("MentorshipEnded", #"{"mentorshipId":"ms-1","outcome":"completed"}"#), "mentorship-ms-1"),
        (.teamRegistered, line("TeamRegistered", #"{"teamId":"team-7","schoolOrgId":"org-sch-1","season":"2023-24","line":"it","name":"Кванты","memberIds":["p-1","p-2"],"curatorId":"t-1"}"#), "team-team-7"),
        (.teamMemberJoined, line("TeamMemberJoined", #"{"teamId":"team-7","personId":"p-3"}"#), "team-team-7"),
        (.teamMemberLeft, line("TeamMemberLeft", #"{"teamId":"team-7","personId":"p-2"}"#), "team-team-7"),
        (.projectSubmitted, line("ProjectSubmitted", #"{"projectId":"prj-1","teamId":"team-7","title":"Робот","line":"engineering"}"#), "team-team-7"),
        (.projectScored, line("ProjectScored", #"{"projectId":"prj-1","teamId":"team-7","expertId":"e-1","round":1,"criteria":{"защита":5,"продукт":9.5},"total":14.5}"#), "team-team-7"),
        (.teamAdvanced, line("TeamAdvanced", #"{"teamId":"team-7","toLevel":"regional"}"#), "team-team-7"),
        (.teacherTrainingCompleted, line("TeacherTrainingCompleted", #"{"personId":"t-1","kind":"internship","providerOrgId":"org-emp-1","hours":36,"priorityArea":true}"#), "person-t-1"),
        (.experienceShared, line("ExperienceShared", #"{"personId":"t-1","format":"open_lesson","level":"school","indexed":false}"#), "person-t-1"),
        (.staffingDemandDeclared, line("StaffingDemandDeclared", #"{"employerOrgId":"org-emp-1","professionCode":"welder","year":2026,"positions":0}"#), "org-org-emp-1"),
        (.graduateDestinationRecorded, line("GraduateDestinationRecorded", #"{"personId":"p-1","destination":"college","orgId":"org-col-1","inRegion":true,"profile":"technical"}"#), "person-p-1"),
        (.surveyAnswered, line("SurveyAnswered", #"{"surveyId":"s-1","respondentKind":"parent","satisfaction":5}"#), "survey-s-1"),
        (.eventRetracted, line("EventRetracted", #"{"eventId":"70ec43e8-e4c1-4aac-870b-a3825e58d993","reason":"ошибка ввода"}"#), "retractions"),
    ]

    static func event(_ line: String) throws -> Event {
        try EventParser().parse(line: line, lineNumber: 1, file: "fixture.ndjson")
    }
}
