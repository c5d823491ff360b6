// People: rosters, staff, mentors, experts, personal data and erasure.

/// `StudentEnrolled`: A student is on a school's roster for an academic year.
public struct StudentEnrolled: EventPayload {
    public var personId: String
    public var schoolOrgId: String
    public var grade: Int
    public var academicYear: AcademicYear

    public init(personId: String, schoolOrgId: String, grade: Int, academicYear: AcademicYear) {
        self.personId = personId
        self.schoolOrgId = schoolOrgId
        self.grade = grade
        self.academicYear = academicYear
    }
}

/// `StaffMemberRegistered`: A staff member of an organisation is registered.
public struct StaffMemberRegistered: EventPayload {
    public var personId: String
    public var orgId: String
    public var role: StaffRole

    public init(personId: String, orgId: String, role: StaffRole) {
        self.personId = personId
        self.orgId = orgId
        self.role = role
    }
}

/// `MentorRegistered`: A mentor is registered.
public struct MentorRegistered: EventPayload {
    public var personId: String
    public var mentorKind: MentorKind
    public var orgId: String?

    public init(personId: String, mentorKind: MentorKind, orgId: String? = nil) {
        self.personId = personId
        self.mentorKind = mentorKind
        self.orgId = orgId
    }
}

/// `ExpertRegistered`: An expert (project jury member) is registered.
public struct ExpertRegistered: EventPayload {
    public var personId: String
    public var orgId: String?
    public var directions: [Direction]

    public init(personId: String, orgId: String? = nil, directions: [Direction]) {
        self.personId = personId
        self.orgId = orgId
        self.directions = directions
    }
}

/// `PersonalDataRecorded`: The only event with personal data (EVENTS.md §4); sealed at rest.
public struct PersonalDataRecorded: EventPayload {
    public var personId: String
    public var fullName: String
    public var birthDate: LocalDate?
    public var contact: String?

    public init(personId: String, fullName: String, birthDate: LocalDate? = nil, contact: String? = nil) {
        self.personId = personId
        self.fullName = fullName
        self.birthDate = birthDate
        self.contact = contact
    }
}

/// `SubjectForgotten`: An erasure request: the person's personal-data key is destroyed.
public struct SubjectForgotten: EventPayload {
    public var personId: String
    public var reason: String

    public init(personId: String, reason: String) {
        self.personId = personId
        self.reason = reason
    }
}
