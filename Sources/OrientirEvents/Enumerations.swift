/// A closed vocabulary of the catalog: its raw value is the text used in the interchange format.
///
/// The position of a case in `allCases` is its one-byte code in the binary codec, so cases are only ever appended.
public protocol CatalogEnum: CaseIterable, Hashable, Sendable, RawRepresentable, CustomStringConvertible
where RawValue == String, AllCases == [Self] {
    static var vocabulary: Vocabulary { get }
}

extension CatalogEnum {
    public var description: String { rawValue }

    /// The position in `allCases`. A catalog enum has no payloads and 2…256 cases, so its in-memory
    /// representation is exactly its one-byte case index in declaration (= `allCases`) order.
    @inline(__always)
    var ordinal: UInt8 {
        if MemoryLayout<Self>.size == 1 { return unsafeBitCast(self, to: UInt8.self) }
        return UInt8(Self.allCases.firstIndex(of: self)!)
    }

    /// The case at `ordinal`, which must be below the number of cases.
    @inline(__always)
    init(validOrdinal ordinal: UInt8) {
        if MemoryLayout<Self>.size == 1 {
            self = unsafeBitCast(ordinal, to: Self.self)
        } else {
            self = Self.allCases[Int(ordinal)]
        }
    }
}

// MARK: - EVENTS.md §2

/// Organisation `kind`.
public enum OrganisationKind: String, CatalogEnum {
    case school, college, university, employer, cmit, technopark
    case additionalEducation = "additional_education"
    case employmentCentre = "employment_centre"
    case authority, ngo
    public static let vocabulary = Vocabulary(Self.self)
}

/// Project line or profile (`direction`).
public enum Direction: String, CatalogEnum {
    case engineering, it, design
    case socioEconomic = "socio_economic"
    case naturalScience = "natural_science"
    case pedagogy, agro
    case lawEnforcement = "law_enforcement"
    case medicine, arts, other
    public static let vocabulary = Vocabulary(Self.self)
}

/// Level of an activity, competition or team advance, ordered low to high.
public enum Level: String, CatalogEnum, Comparable {
    case school, municipal, regional, federal, international
    public static let vocabulary = Vocabulary(Self.self)
    public static func < (lhs: Level, rhs: Level) -> Bool { lhs.ordinal < rhs.ordinal }
}

/// Competition `result`, ordered from participant to winner.
public enum CompetitionResult: String, CatalogEnum, Comparable {
    case participant, laureate
    case prizeWinner = "prize_winner"
    case winner
    public static let vocabulary = Vocabulary(Self.self)
    public static func < (lhs: CompetitionResult, rhs: CompetitionResult) -> Bool { lhs.ordinal < rhs.ordinal }
}

/// `mentorKind` of a mentor.
public enum MentorKind: String, CatalogEnum {
    case teacher
    case youngTeacher = "young_teacher"
    case parent, alumnus, student
    case universityStudent = "university_student"
    case employerSpecialist = "employer_specialist"
    case publicFigure = "public_figure"
    public static let vocabulary = Vocabulary(Self.self)
}

/// Mentorship `form`.
public enum MentorshipForm: String, CatalogEnum {
    case teacherStudent = "teacher_student"
    case studentStudent = "student_student"
    case teacherTeacher = "teacher_teacher"
    case teacherParent = "teacher_parent"
    case parentTeacher = "parent_teacher"
    case studentTeacher = "student_teacher"
    case studentParent = "student_parent"
    case universityStudentStudent = "university_student_student"
    case employerStudent = "employer_student"
    case alumnusStudent = "alumnus_student"
    case parentStudent = "parent_student"
    case studentElder = "student_elder"
    public static let vocabulary = Vocabulary(Self.self)
}

/// Staff `role`.
public enum StaffRole: String, CatalogEnum {
    case teacher, navigator, curator, psychologist, administrator, tutor
    public static let vocabulary = Vocabulary(Self.self)
}

/// Programme `kind`.
public enum ProgrammeKind: String, CatalogEnum {
    case additionalGeneral = "additional_general"
    case profileClass = "profile_class"
    case dual
    case trialProgramme = "trial_programme"
    case intensive
    case networkProgramme = "network_programme"
    case mentoringProgramme = "mentoring_programme"
    case professionalTraining = "professional_training"
    public static let vocabulary = Vocabulary(Self.self)
}

/// Career trial `mode`.
public enum TrialMode: String, CatalogEnum {
    case onSite = "on_site"
    case atEmployer = "at_employer"
    case simulated, online
    public static let vocabulary = Vocabulary(Self.self)
}

// MARK: - Per-field enumerations of §3

/// `kind` of `AgreementSigned`.
public enum AgreementKind: String, CatalogEnum {
    case networkProgramme = "network_programme"
    case socialPartnership = "social_partnership"
    case mentoring
    case resourceCentre = "resource_centre"
    case cooperation
    public static let vocabulary = Vocabulary(Self.self)
}

/// `result` of `ProgrammeCompleted`.
public enum ProgrammeResult: String, CatalogEnum {
    case completed, certificate, withdrawn
    public static let vocabulary = Vocabulary(Self.self)
}

/// `outcome` of `CareerTrialCompleted`.
public enum TrialOutcome: String, CatalogEnum {
    case positive, negative
    public static let vocabulary = Vocabulary(Self.self)
}

/// `kind` of `ActivityAttended`.
public enum ActivityKind: String, CatalogEnum {
    case masterClass = "master_class"
    case excursion, festival
    case winterSchool = "winter_school"
    case camp, intensive, hackathon
    case jobFair = "job_fair"
    case parentMeeting = "parent_meeting"
    case conference, seminar, webinar
    public static let vocabulary = Vocabulary(Self.self)
}

/// `participantKind` of `CompetitionResultRecorded`.
public enum ParticipantKind: String, CatalogEnum {
    case person, team
    public static let vocabulary = Vocabulary(Self.self)
}

/// `menteeKind` of `MentorshipStarted`.
public enum MenteeKind: String, CatalogEnum {
    case person, team
    public static let vocabulary = Vocabulary(Self.self)
}

/// `outcome` of `MentorshipEnded`.
public enum MentorshipOutcome: String, CatalogEnum {
    case completed, discontinued
    public static let vocabulary = Vocabulary(Self.self)
}

/// A team's `line` (`TeamRegistered`, `ProjectSubmitted`).
public enum TeamLine: String, CatalogEnum {
    case engineering
    case socioEconomic = "socio_economic"
    case it, design
    public static let vocabulary = Vocabulary(Self.self)
}

/// `kind` of `TeacherTrainingCompleted`.
public enum TrainingKind: String, CatalogEnum {
    case internship
    case cpdCourse = "cpd_course"
    case seminar
    case independentAssessment = "independent_assessment"
    public static let vocabulary = Vocabulary(Self.self)
}

/// `format` of `ExperienceShared`.
public enum ExperienceFormat: String, CatalogEnum {
    case seminar
    case masterClass = "master_class"
    case openLesson = "open_lesson"
    case webinar
    case conferenceTalk = "conference_talk"
    case publication
    public static let vocabulary = Vocabulary(Self.self)
}

/// `destination` of `GraduateDestinationRecorded`.
public enum Destination: String, CatalogEnum {
    case college, university, employment, army, other
    public static let vocabulary = Vocabulary(Self.self)
}

/// `profile` of `GraduateDestinationRecorded`.
public enum GraduateProfile: String, CatalogEnum {
    case technical, science, humanities, other
    public static let vocabulary = Vocabulary(Self.self)
}

/// `respondentKind` of `SurveyAnswered`.
public enum RespondentKind: String, CatalogEnum {
    case student, parent, teacher, partner
    public static let vocabulary = Vocabulary(Self.self)
}
