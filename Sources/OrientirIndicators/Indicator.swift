/// The indicators of READ_MODELS.md §2, in the table's order.
public enum Indicator: String, CaseIterable, Sendable {
    case projects
    case studentsTrained = "students_trained"
    case teachersInterned = "teachers_interned"
    case newProgrammes = "new_programmes"
    case teamsAdvanced = "teams_advanced"
    case teamsRegistered = "teams_registered"
    case teamsComplete = "teams_complete"
    case partnersProfessional = "partners_professional"
    case partnersEmployers = "partners_employers"
    case partnersCmit = "partners_cmit"
    case experts
    case mentorsByKind = "mentors_by_kind"
    case shareTechnicalWinners = "share_technical_winners"
    case shareNetworkLearning = "share_network_learning"
    case shareTrials7to8 = "share_trials_7_8"
    case shareTrials6to11 = "share_trials_6_11"
    case shareRoutes8to11 = "share_routes_8_11"
    case shareStudentsMentored = "share_students_mentored"
    case shareTeachersCPDPriority = "share_teachers_cpd_priority"
    case shareTeachersIndependentAssessment = "share_teachers_independent_assessment"
    case teachersInCompetitions = "teachers_in_competitions"
    case shareTeachersSharing = "share_teachers_sharing"
    case competitionParticipants = "competition_participants"
    case competitionPrizeShare = "competition_prize_share"
    case graduatesInRegion = "graduates_in_region"
    case graduatesTechnical = "graduates_technical"
    case satisfaction
    case programmeHolders = "programme_holders"
    case programmeParticipants = "programme_participants"
    case employersWithDeficit = "employers_with_deficit"
    case profileCompleteness = "profile_completeness"

    /// How the value reads: a count, a share in [0, 1], or a mean.
    public enum Kind: Sendable { case count, share, mean }

    public var kind: Kind {
        switch self {
        case .teamsComplete, .projects, .studentsTrained, .teachersInterned, .newProgrammes, .teamsAdvanced,
            .teamsRegistered, .partnersProfessional, .partnersEmployers, .partnersCmit, .experts, .mentorsByKind,
            .teachersInCompetitions, .competitionParticipants, .programmeHolders, .programmeParticipants,
            .employersWithDeficit:
            .count
        case .satisfaction, .profileCompleteness: .mean
        default: .share
        }
    }

    /// Whether the row also carries `cumulative` (rule 15).
    public var hasCumulative: Bool {
        [.projects, .studentsTrained, .teachersInterned, .newProgrammes, .teamsAdvanced].contains(self)
    }

    public var russianName: String {
        switch self {
        case .projects: "Количество проектов"
        case .studentsTrained: "Количество школьников, прошедших обучение"
        case .teachersInterned: "Количество педагогов, прошедших стажировку"
        case .newProgrammes: "Количество новых образовательных программ"
        case .teamsAdvanced: "Команды, вышедшие на более высокий уровень"
        case .teamsRegistered: "Количество команд-участниц конкурсного движения"
        case .teamsComplete: "Команды численностью не менее 10 человек"
        case .partnersProfessional: "Постоянные партнёры: профессиональные образовательные организации"
        case .partnersEmployers: "Постоянные партнёры: работодатели"
        case .partnersCmit: "Постоянные партнёры: ЦМИТ"
        case .experts: "Экспертное сообщество"
        case .mentorsByKind: "Наставники по категориям"
        case .shareTechnicalWinners:
            "Доля обучающихся — победителей и призёров олимпиад и конкурсов технической направленности"
        case .shareNetworkLearning: "Доля обучающихся, охваченных сетевой формой обучения"
        case .shareTrials7to8: "Прохождение профессиональных проб обучающимися 7–8 классов"
        case .shareTrials6to11: "Охват профессиональными пробами обучающихся 6–11 классов"
        case .shareRoutes8to11: "Доля обучающихся 8–11 классов с индивидуальным образовательным маршрутом"
        case .shareStudentsMentored: "Доля обучающихся, охваченных наставничеством"
        case .shareTeachersCPDPriority: "Прохождение КПК по приоритетным направлениям"
        case .shareTeachersIndependentAssessment: "Доля педагогов, прошедших независимую оценку квалификации"
        case .teachersInCompetitions: "Участие педагогов в конкурсах профессионального мастерства"
        case .shareTeachersSharing: "Доля педагогов, транслирующих педагогический опыт"
        case .competitionParticipants: "Обучающиеся — участники олимпиад, конкурсов, конференций"
        case .competitionPrizeShare: "Доля победителей и призёров среди участников"
        case .graduatesInRegion: "Доля выпускников, оставшихся в регионе"
        case .graduatesTechnical: "Доля выпускников, поступивших на технические и естественнонаучные профили"
        case .satisfaction: "Удовлетворённость качеством (средний балл)"
        case .programmeHolders: "Держатели программ"
        case .programmeParticipants: "Участники программ"
        case .employersWithDeficit: "Работодатели с кадровым дефицитом"
        case .profileCompleteness: "Наполненность личного профиля"
        }
    }

    /// The fixed target of the table (rule 17); "≥ previous period" targets are set per row.
    var fixedTarget: Target? {
        switch self {
        case .newProgrammes: Target(value: 4, isCount: true)
        case .teamsRegistered: Target(value: 50, isCount: true)
        case .teamsComplete: Target(value: 1.0, isCount: false)
        case .partnersProfessional, .partnersEmployers: Target(value: 5, isCount: true)
        case .partnersCmit: Target(value: 3, isCount: true)
        case .experts: Target(value: 81, isCount: true)
        case .shareTechnicalWinners: Target(value: 0.25, isCount: false)
        case .shareNetworkLearning: Target(value: 0.15, isCount: false)
        case .shareTeachersCPDPriority, .shareTeachersIndependentAssessment: Target(value: 0.8, isCount: false)
        case .teachersInCompetitions: Target(value: 5, isCount: true)
        default: nil
        }
    }

    /// Targets "≥ previous period" (rule 17).
    var targetsPreviousPeriod: Bool { self == .programmeHolders || self == .programmeParticipants }
}

/// `{"op": ">=", "value": …}`: integer for counts, fraction for shares.
public struct Target: Sendable, Hashable {
    public var value: Double
    public var isCount: Bool

    public init(value: Double, isCount: Bool) {
        self.value = value
        self.isCount = isCount
    }
}

/// Where an indicator is counted.
public enum Scope: Sendable, Hashable, CustomStringConvertible {
    case region(String)
    case municipality(String)
    case organisation(String)

    public var kind: String {
        switch self {
        case .region: "region"
        case .municipality: "municipality"
        case .organisation: "organisation"
        }
    }

    public var id: String {
        switch self {
        case .region(let id), .municipality(let id), .organisation(let id): id
        }
    }

    public var description: String { "\(kind):\(id)" }

    /// `region`, `region:58`, `municipality:ID` or `organisation:ID`.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        switch (parts.first, parts.count) {
        case ("region", 2): self = .region(parts[1])
        case ("municipality", 2): self = .municipality(parts[1])
        case ("organisation", 2), ("org", 2): self = .organisation(parts[1])
        default: return nil
        }
    }
}

/// An academic year (`2023-24`) or a calendar year (`2024`), as a closed range of days since the epoch.
public struct Period: Sendable, Hashable, Comparable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable { case academic, calendar }
    public let kind: Kind
    /// The academic start year or the calendar year.
    public let year: Int

    public init(academicStartYear: Int) {
        kind = .academic
        year = academicStartYear
    }

    public init(calendarYear: Int) {
        kind = .calendar
        year = calendarYear
    }

    /// `2023-24` or `2024`.
    public init?(_ text: String) {
        if text.count == 4, let year = Int(text) {
            self.init(calendarYear: year)
        } else if text.count == 7, let first = Int(text.prefix(4)), let second = Int(text.suffix(2)),
            text[text.index(text.startIndex, offsetBy: 4)] == "-", second == (first + 1) % 100
        {
            self.init(academicStartYear: first)
        } else {
            return nil
        }
    }

    public var firstDay: Int32 {
        Int32(days(year: year, month: kind == .academic ? 9 : 1, day: 1))
    }

    public var lastDay: Int32 {
        kind == .academic ? Int32(days(year: year + 1, month: 8, day: 31)) : Int32(days(year: year, month: 12, day: 31))
    }

    /// The academic year whose roster counts for this period: itself, or for a calendar year the academic year
    /// ending in it (January to August).
    public var rosterYear: Int { kind == .academic ? year : year - 1 }

    /// The year staffing demand is read for (rule 12): the start year + 1, or the calendar year itself.
    public var demandYear: Int { kind == .academic ? year + 1 : year }

    public var previous: Period { Period(kind: kind, year: year - 1) }

    private init(kind: Kind, year: Int) {
        self.kind = kind
        self.year = year
    }

    public var description: String {
        switch kind {
        case .academic:
            let next = (year + 1) % 100
            return "\(year)-\(next < 10 ? "0" : "")\(next)"
        case .calendar: return "\(year)"
        }
    }

    public static func < (lhs: Period, rhs: Period) -> Bool { (lhs.year, lhs.kind == .calendar ? 1 : 0) < (rhs.year, rhs.kind == .calendar ? 1 : 0) }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
func days(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    return era * 146_097 + yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear - 719_468
}
