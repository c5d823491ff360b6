/// A deterministic synthetic region: a few academic years of career-guidance events, as NDJSON lines.
///
/// The region is Penza ("58"): municipalities, organisations of every kind, professions, agreements,
/// programmes, staff, mentors and experts, then per academic year the school rosters with grade progression
/// and graduation, diagnostics, individual routes, career trials, programmes, activities, competitions,
/// mentorships, project teams with scored projects, teacher training, staffing demand and surveys, plus
/// personal data with a few erasures and a few retractions. Every event type of EVENTS.md occurs.
///
/// The same arguments give the same bytes on every platform: the generator uses its own pseudo-random
/// generator, formats every number itself and needs no Foundation.
///
/// ```swift
/// var lines: [String] = []
/// RegionGenerator(seed: 7, students: 500).write { lines.append($0) }
/// ```
public struct RegionGenerator: Sendable {
    /// Seed of the pseudo-random stream.
    public let seed: UInt64
    /// Students on the rosters of the first academic year; each later year adds a grade-1 intake.
    public let students: Int
    /// Academic years simulated.
    public let years: Int
    /// Calendar year in which the first academic year starts: 2021 means "2021-22".
    public let firstAcademicYear: Int

    /// Describes a region; nothing is generated until `write(to:)`.
    public init(seed: UInt64, students: Int, years: Int = 4, firstAcademicYear: Int = 2021) {
        precondition(students >= 0, "students must not be negative")
        precondition(years >= 1, "at least one academic year")
        precondition((1000...9000).contains(firstAcademicYear), "academic years are written YYYY-YY")
        self.seed = seed
        self.students = students
        self.years = years
        self.firstAcademicYear = firstAcademicYear
    }

    /// Calls `sink` with every event, one NDJSON line without its line end, ordered by `occurredAt`.
    public func write(to sink: (String) throws -> Void) rethrows {
        let region = Simulation(self)
        region.registerReferenceData()
        for year in 0..<years {
            region.simulate(year: year)
            // A year's events may reach into later years (a programme completed next spring); those wait.
            for line in region.drain(before: Moment(day: region.firstDay(ofYear: year + 1), minute: 0)) {
                try sink(line)
            }
        }
        for line in region.drain(before: Moment(day: Int.max / 2, minute: 0)) {
            try sink(line)
        }
    }
}

// MARK: - Reference tables

extension RegionGenerator {
    fileprivate static let region = "58"
    fileprivate static let offset = "+03:00"

    fileprivate static let towns: [(id: String, name: String)] = [
        ("penza", "Пенза"), ("kuznetsk", "Кузнецк"), ("zarechny", "Заречный"), ("serdobsk", "Сердобск"),
        ("kamenka", "Каменка"), ("nikolsk", "Никольск"), ("nizhny-lomov", "Нижний Ломов"),
        ("bessonovka", "Бессоновка"),
    ]

    fileprivate static let directions = [
        "engineering", "it", "design", "socio_economic", "natural_science", "pedagogy", "agro",
        "law_enforcement", "medicine", "arts", "other",
    ]

    /// Directions whose competitions count as technical.
    fileprivate static let technicalDirections: Set<String> = ["engineering", "it", "natural_science"]

    fileprivate static let levels = ["school", "municipal", "regional", "federal", "international"]
    fileprivate static let results = ["participant", "laureate", "prize_winner", "winner"]

    fileprivate static let professions: [(code: String, title: String, direction: String, inDemand: Bool?)] = [
        ("cnc-operator", "Оператор станков с ЧПУ", "engineering", true),
        ("welder", "Сварщик (ручной и частично механизированной сварки)", "engineering", true),
        ("mechatronics", "Специалист по мехатронике", "engineering", true),
        ("electrician", "Электромонтёр по ремонту электрооборудования", "engineering", nil),
        ("programmer", "Программист", "it", true),
        ("network-admin", "Сетевой и системный администратор", "it", false),
        ("data-analyst", "Аналитик данных", "it", nil),
        ("designer-graphic", "Графический дизайнер", "design", false),
        ("agronomist", "Агроном", "agro", true),
        ("veterinarian", "Ветеринарный фельдшер", "agro", true),
        ("lab-chemist", "Лаборант химического анализа", "natural_science", false),
        ("ecologist", "Эколог", "natural_science", nil),
        ("teacher-primary", "Учитель начальных классов", "pedagogy", true),
        ("nurse", "Медицинская сестра", "medicine", true),
        ("paramedic", "Фельдшер скорой помощи", "medicine", true),
        ("accountant", "Бухгалтер", "socio_economic", false),
        ("police-officer", "Сотрудник полиции", "law_enforcement", true),
        ("stage-technician", "Художник-постановщик", "arts", false),
    ]

    fileprivate static let schoolPrefixes = ["МБОУ СОШ №", "МБОУ «Лицей №", "МБОУ «Гимназия №", "МБОУ ООШ №"]
    fileprivate static let collegeNames = [
        "Многопрофильный колледж", "Колледж промышленных технологий", "Аграрный техникум",
        "Медицинский колледж", "Колледж информационных технологий", "Строительный техникум",
    ]
    fileprivate static let universityNames = ["Пензенский государственный университет",
                                              "Пензенский государственный аграрный университет"]
    fileprivate static let employerNames = [
        "АО «Завод точных приборов»", "ООО «Агрохолдинг „Сура“»", "АО «Электромеханика»",
        "ГБУЗ «Областная больница»", "ООО «Софт-Регион»", "АО «Сурский машиностроительный завод»",
        "ООО «Молочная ферма „Луговая“»", "ПАО «Энергосбыт»",
    ]
    fileprivate static let ngoNames = ["АНО «Школа наставников»", "Региональное отделение «Движения первых»"]

    fileprivate static let activityKinds = [
        "master_class", "excursion", "festival", "winter_school", "camp", "intensive", "hackathon", "job_fair",
        "parent_meeting", "conference", "seminar", "webinar",
    ]
    fileprivate static let activityTitles = [
        "Мастер-класс «Первые шаги в робототехнике»", "Экскурсия на производство", "Фестиваль профессий",
        "Зимняя школа «Инженеры будущего»", "Профильная смена", "Ярмарка вакансий",
        "Родительское собрание «Выбор профессии»", "Научно-практическая конференция «Шаг в будущее»",
    ]
    fileprivate static let competitionTitles = [
        "Олимпиада «Технологии будущего»", "Конкурс «Билет в будущее»", "Чемпионат «Профессионалы»",
        "Конкурс исследовательских работ «Юный агроном»", "Фестиваль «Робофест»", "Конкурс «Большая перемена»",
    ]
    fileprivate static let instruments = ["Билет в будущее", "Профориентатор", "ДДО Климова", "Карта интересов"]
    fileprivate static let criteriaNames = ["актуальность", "проработка", "продукт", "защита", "команда"]
    fileprivate static let teamWords = ["Вектор", "Импульс", "Сура", "Байт", "Росток", "Пульсар", "Горизонт"]
    fileprivate static let projectTopics = [
        "Умная теплица", "Карта доступной среды", "Школьная метеостанция", "Бот расписания",
        "Экотропа у реки Суры", "Дрон для агромониторинга", "Музей школы в дополненной реальности",
    ]

    /// Surnames with their feminine form, and given names with patronymics, for personal data.
    fileprivate static let surnames = [("Иванов", "Иванова"), ("Кузнецов", "Кузнецова"), ("Смирнов", "Смирнова"),
                                       ("Фёдоров", "Фёдорова"), ("Лебедев", "Лебедева"), ("Морозов", "Морозова")]
    fileprivate static let maleNames = ["Александр", "Дмитрий", "Максим", "Артём", "Егор", "Кирилл"]
    fileprivate static let femaleNames = ["Анна", "Мария", "Софья", "Дарья", "Полина", "Алиса"]
    fileprivate static let fathers = [("Сергеевич", "Сергеевна"), ("Андреевич", "Андреевна"),
                                      ("Игоревич", "Игоревна"), ("Олегович", "Олеговна")]

    /// Mentorship forms with a student mentee and the mentor kind that fits each.
    fileprivate static let studentForms: [(form: String, mentorKind: String)] = [
        ("teacher_student", "teacher"), ("student_student", "student"),
        ("university_student_student", "university_student"), ("employer_student", "employer_specialist"),
        ("alumnus_student", "alumnus"), ("parent_student", "parent"),
    ]
    fileprivate static let mentorKinds = ["teacher", "young_teacher", "parent", "alumnus", "student",
                                          "university_student", "employer_specialist", "public_figure"]
}

// MARK: - Organisations and people

extension RegionGenerator {
    fileprivate enum OrgKind: Int, CaseIterable {
        case school, college, university, employer, cmit, technopark, additionalEducation, employmentCentre
        case authority, ngo

        var name: String {
            switch self {
            case .school: "school"
            case .college: "college"
            case .university: "university"
            case .employer: "employer"
            case .cmit: "cmit"
            case .technopark: "technopark"
            case .additionalEducation: "additional_education"
            case .employmentCentre: "employment_centre"
            case .authority: "authority"
            case .ngo: "ngo"
            }
        }

        var idPrefix: String {
            switch self {
            case .school: "sch"
            case .college: "col"
            case .university: "uni"
            case .employer: "emp"
            case .cmit: "cmi"
            case .technopark: "tec"
            case .additionalEducation: "add"
            case .employmentCentre: "czn"
            case .authority: "aut"
            case .ngo: "ngo"
            }
        }
    }

    fileprivate struct Org {
        let id: String
        let kind: OrgKind
        let town: Int
    }

    fileprivate struct Programme {
        let id: String
        let holder: Int
        let kind: String
        let launchYear: Int
    }

    /// A student on a roster; interests are indexes into `professions`, `tried` a bit per profession.
    fileprivate struct Student {
        let number: Int
        let school: Int
        var grade: Int
        let favourite: Int
        let second: Int
        var tried: UInt32 = 0

        var personId: String { "p-" + pad(number, 7) }
    }
}

// MARK: - Simulation

extension RegionGenerator {
    /// The mutable state of one `write(to:)`: the organisations and people so far and the events not yet sent.
    private final class Simulation {
        let config: RegionGenerator
        var random: SplitMix64
        var uuids: SplitMix64
        var pending: [Pending] = []
        var sequence = 0

        var towns: [(id: String, name: String)] = []
        var orgs: [Org] = []
        var orgsByKind: [[Int]] = Array(repeating: [], count: OrgKind.allCases.count)
        var coordinatorOfTown: [Int] = []
        var programmes: [Programme] = []
        /// Programmes launched by the current academic year, all and by the kinds events refer to.
        var available: [Programme] = []
        var trialProgrammes: [Programme] = []
        var mentoringProgrammes: [Programme] = []
        var trialProviders: [Int] = []
        var staffBySchool: [[String]] = []
        var navigatorsBySchool: [[String]] = []
        var mentorsByKind: [String: [String]] = [:]
        var experts: [String] = []
        var students: [Student] = []
        var nextStudent = 1
        var trials = 0
        var mentorships = 0
        var teams = 0
        var projects = 0
        var personalData: [(personId: String, town: Int)] = []

        init(_ config: RegionGenerator) {
            self.config = config
            // Two streams, so that the ids do not shift when an event's random content changes.
            random = SplitMix64(seed: config.seed)
            uuids = SplitMix64(seed: config.seed ^ 0x5851_F42D_4C95_7F2D)
        }

        func firstDay(ofYear index: Int) -> Int {
            daysFromCivil(year: config.firstAcademicYear + index, month: 9, day: 1)
        }

        func orgs(_ kind: OrgKind) -> [Int] { orgsByKind[kind.rawValue] }

        func pickOrg(_ kinds: OrgKind...) -> Org {
            let pool = kinds.flatMap { orgs($0) }
            return orgs[pool[random.below(pool.count)]]
        }

        /// A business time on `day`, in working hours.
        func moment(_ day: Int) -> Moment {
            Moment(day: day, minute: random.between(8 * 60, 18 * 60 + 59))
        }

        /// A day of academic year `year`, `from`...`to` days after 1 September.
        func day(ofYear year: Int, from: Int = 0, to: Int = 364) -> Int {
            firstDay(ofYear: year) + random.between(from, to)
        }

        // MARK: Events

        /// Queues an event; returns its envelope id.
        @discardableResult
        func emit(_ type: String, _ at: Moment, town: Int, source: String? = nil, _ data: JSONObject) -> String {
            let id = uuids.uuid()
            var line = JSONObject()
            line.string("id", id)
            line.string("type", type)
            line.integer("schema", 1)
            line.raw("occurredAt", at.rfc3339)
            line.string("region", RegionGenerator.region)
            line.string("municipality", towns[town].id)
            if let source {
                line.string("source", source)
            }
            line.object("data", data)
            sequence += 1
            pending.append(Pending(at: at, sequence: sequence, line: line.text))
            return id
        }

        /// Removes and returns, in time order, the queued events that happened before `moment`.
        func drain(before moment: Moment) -> [String] {
            var ready: [Pending] = []
            var later: [Pending] = []
            for event in pending {
                if event.at < moment {
                    ready.append(event)
                } else {
                    later.append(event)
                }
            }
            pending = later
            ready.sort { ($0.at, $0.sequence) < ($1.at, $1.sequence) }
            return ready.map(\.line)
        }

        // MARK: Reference data

        func registerReferenceData() {
            let start = daysFromCivil(year: config.firstAcademicYear, month: 8, day: 20)
            let townCount = 4 + min(4, config.students / 2500)
            towns = Array(RegionGenerator.towns.prefix(townCount))
            for (index, town) in towns.enumerated() {
                var data = JSONObject()
                data.string("municipalityId", town.id)
                data.string("name", town.name)
                emit("MunicipalityRegistered", Moment(day: start, minute: 9 * 60 + index), town: index, data)
            }
            for (index, profession) in RegionGenerator.professions.enumerated() {
                var data = JSONObject()
                data.string("professionCode", profession.code)
                data.string("title", profession.title)
                data.string("direction", profession.direction)
                if let inDemand = profession.inDemand {
                    data.bool("inDemand", inDemand)
                }
                emit("ProfessionListed", Moment(day: start, minute: 9 * 60 + 30 + index), town: 0, data)
            }
            registerOrganisations(on: start)
            signAgreements()
            launchProgrammes()
            registerPeople(on: start)
        }

        func registerOrganisations(on start: Int) {
            let schools = max(2, config.students / 450)
            var plan: [(OrgKind, Int)] = [(.school, schools)]
            plan += [(.college, 2 * towns.count), (.university, 2), (.employer, 6 * towns.count), (.cmit, towns.count)]
            plan += [(.technopark, 2), (.additionalEducation, towns.count), (.employmentCentre, towns.count)]
            plan += [(.authority, towns.count), (.ngo, 2)]
            for (kind, count) in plan {
                for index in 0..<count {
                    let town = index % towns.count
                    let org = Org(id: "org-\(kind.idPrefix)-" + pad(index + 1, 4), kind: kind, town: town)
                    orgsByKind[kind.rawValue].append(orgs.count)
                    orgs.append(org)
                    var data = JSONObject()
                    data.string("orgId", org.id)
                    data.string("kind", kind.name)
                    data.string("name", orgName(kind, index: index, town: towns[town].name))
                    emit("OrganisationRegistered", Moment(day: start, minute: 10 * 60 + random.below(120)),
                         town: town, data)
                }
            }
            coordinatorOfTown = orgs(.additionalEducation)
        }

        func orgName(_ kind: OrgKind, index: Int, town: String) -> String {
            let n = index + 1
            switch kind {
            case .school:
                let prefix = RegionGenerator.schoolPrefixes[index % RegionGenerator.schoolPrefixes.count]
                return prefix.hasSuffix("№") ? "\(prefix) \(n) (\(town))" : "\(prefix) \(n)» (\(town))"
            case .college:
                let name = RegionGenerator.collegeNames[index % RegionGenerator.collegeNames.count]
                return "ГАПОУ ПО «\(name)» (\(town))"
            case .university:
                return RegionGenerator.universityNames[index % RegionGenerator.universityNames.count]
            case .employer:
                let name = RegionGenerator.employerNames[index % RegionGenerator.employerNames.count]
                return "\(name), площадка \(n) (\(town))"
            case .cmit: return "ЦМИТ «Инженерная мастерская» (\(town))"
            case .technopark: return n == 1 ? "Детский технопарк «Кванториум»" : "Мобильный технопарк «Кванториум»"
            case .additionalEducation: return "МБУ ДО «Дом детского творчества» (\(town))"
            case .employmentCentre: return "ГКУ «Центр занятости населения» (\(town))"
            case .authority: return "Управление образования (\(town))"
            case .ngo: return RegionGenerator.ngoNames[index % RegionGenerator.ngoNames.count]
            }
        }

        func signAgreements() {
            var number = 0
            for kind in [OrgKind.college, .university, .employer, .cmit, .technopark, .ngo] {
                for partner in orgs(kind) where number == 0 || random.chance(750) {
                    number += 1
                    let org = orgs[partner]
                    let coordinator = orgs[coordinatorOfTown[org.town]]
                    let signed = day(ofYear: random.below(config.years), to: 200)
                    let agreement = "agr-" + pad(number, 5)
                    var data = JSONObject()
                    data.string("agreementId", agreement)
                    data.string("partnerOrgId", org.id)
                    data.string("coordinatorOrgId", coordinator.id)
                    data.string("kind", random.pick(["network_programme", "social_partnership", "mentoring",
                                                     "resource_centre", "cooperation"]))
                    if number == 1 || random.chance(300) {
                        data.raw("validUntil", isoDate(signed + random.between(300, 1100)))
                    }
                    emit("AgreementSigned", moment(signed), town: org.town, source: coordinator.id, data)
                    if number == 1 || random.chance(150) {
                        var ended = JSONObject()
                        ended.string("agreementId", agreement)
                        ended.string("partnerOrgId", org.id)
                        if random.chance(700) {
                            ended.string("reason", random.pick(["истёк срок действия", "реорганизация партнёра",
                                                                "по соглашению сторон"]))
                        }
                        emit("AgreementEnded", moment(signed + random.between(90, 600)), town: org.town,
                             source: coordinator.id, ended)
                    }
                }
            }
        }

        func launchProgrammes() {
            var holders = orgs(.college) + orgs(.additionalEducation) + orgs(.technopark) + orgs(.cmit)
            holders += orgs(.university) + orgs(.ngo) + orgs(.school).prefix(max(1, orgs(.school).count / 4))
            let kinds = ["additional_general", "profile_class", "dual", "trial_programme", "intensive",
                         "network_programme", "network_programme", "mentoring_programme", "professional_training"]
            for index in 0..<max(8, holders.count * 2) {
                let holderIndex = holders[random.below(holders.count)]
                let holder = orgs[holderIndex]
                // Most programmes exist from the start; the rest are launched in later years.
                let year = index == 0 || random.chance(650) ? 0 : random.below(config.years)
                let kind = index == 0 ? "network_programme" : random.pick(kinds)
                let first = random.below(RegionGenerator.professions.count)
                var codes = [RegionGenerator.professions[first].code]
                for _ in 0..<random.below(3) {
                    codes.append(random.pick(RegionGenerator.professions).code)
                }
                let programme = Programme(id: "prg-" + pad(index + 1, 4), holder: holderIndex, kind: kind,
                                          launchYear: year)
                programmes.append(programme)
                var data = JSONObject()
                data.string("programmeId", programme.id)
                data.string("holderOrgId", holder.id)
                data.string("kind", kind)
                data.string("title", programmeTitle(kind, profession: RegionGenerator.professions[first].title))
                data.string("direction", RegionGenerator.professions[first].direction)
                data.strings("professionCodes", codes)
                data.bool("isNew", index == 0 || random.chance(350))
                emit("ProgrammeLaunched", moment(day(ofYear: year, to: 45)), town: holder.town, source: holder.id,
                     data)
            }
        }

        func programmeTitle(_ kind: String, profession: String) -> String {
            switch kind {
            case "network_programme": "Сетевая программа «\(profession)»"
            case "profile_class": "Профильный класс: \(profession)"
            case "dual": "Дуальное обучение: \(profession)"
            case "trial_programme": "Профессиональные пробы: \(profession)"
            case "intensive": "Интенсив «\(profession)»"
            case "mentoring_programme": "Наставничество «Старт в профессию: \(profession)»"
            case "professional_training": "Профессиональное обучение: \(profession)"
            default: "Кружок «\(profession)»"
            }
        }

        func registerPeople(on start: Int) {
            var number = 0
            func nextId(_ prefix: String) -> String {
                number += 1
                return prefix + pad(number, 6)
            }
            let roles = ["teacher", "navigator", "curator", "psychologist", "administrator", "tutor"]
            let schools = orgs(.school)
            let perSchool = max(4, config.students / (max(1, schools.count) * 20))
            for school in schools {
                var staff: [String] = []
                var navigators: [String] = []
                for index in 0..<perSchool {
                    let person = nextId("t-")
                    // Every school has a career navigator (педагог-навигатор); routes name one.
                    let role = index == 0 ? "navigator" : roles[random.weighted([70, 6, 8, 5, 5, 6])]
                    staff.append(person)
                    if role == "navigator" {
                        navigators.append(person)
                    }
                    var data = JSONObject()
                    data.string("personId", person)
                    data.string("orgId", orgs[school].id)
                    data.string("role", role)
                    emit("StaffMemberRegistered", moment(start + 1), town: orgs[school].town,
                         source: orgs[school].id, data)
                }
                staffBySchool.append(staff)
                navigatorsBySchool.append(navigators)
            }
            for kind in RegionGenerator.mentorKinds {
                for _ in 0..<max(2, config.students / 500) {
                    let person = nextId("m-")
                    mentorsByKind[kind, default: []].append(person)
                    var data = JSONObject()
                    data.string("personId", person)
                    data.string("mentorKind", kind)
                    switch kind {
                    case "employer_specialist": data.string("orgId", pickOrg(.employer).id)
                    case "university_student": data.string("orgId", pickOrg(.university).id)
                    case "teacher", "young_teacher":
                        if random.chance(600) {
                            data.string("orgId", pickOrg(.school).id)
                        }
                    default: break
                    }
                    emit("MentorRegistered", moment(start + 2), town: random.below(towns.count), data)
                }
            }
            for index in 0..<max(6, config.students / 250) {
                let person = nextId("e-")
                experts.append(person)
                var data = JSONObject()
                data.string("personId", person)
                if index == 0 || random.chance(800) {
                    data.string("orgId", pickOrg(.university, .employer, .college).id)
                }
                var directions: [String] = []
                for _ in 0..<random.between(1, 3) {
                    let direction = random.pick(RegionGenerator.directions)
                    if !directions.contains(direction) {
                        directions.append(direction)
                    }
                }
                data.strings("directions", directions)
                emit("ExpertRegistered", moment(start + 3), town: random.below(towns.count), data)
            }
            let professionCount = RegionGenerator.professions.count
            for _ in 0..<config.students {
                students.append(Student(number: nextStudent, school: random.below(max(1, schools.count)),
                                        grade: random.between(1, 11), favourite: random.below(professionCount),
                                        second: random.below(professionCount)))
                nextStudent += 1
            }
        }

        // MARK: One academic year

        func simulate(year: Int) {
            let academicYear = academicYearText(config.firstAcademicYear + year)
            available = programmes.filter { $0.launchYear <= year }
            trialProgrammes = available.filter { $0.kind == "trial_programme" }
            mentoringProgrammes = available.filter { $0.kind == "mentoring_programme" }
            trialProviders = orgs(.college) + orgs(.employer) + orgs(.technopark) + orgs(.cmit)
            if year == 0 {
                recordPersonalData()
            }
            var next: [Student] = []
            next.reserveCapacity(students.count + config.students / 11 + 1)
            var rosters = Array(repeating: [Int](), count: orgs(.school).count)
            for index in students.indices {
                simulate(student: &students[index], year: year, academicYear: academicYear)
                let student = students[index]
                if student.grade >= 5 {
                    rosters[student.school].append(index)
                }
                if student.grade == 11 || (student.grade == 9 && random.chance(350)) {
                    graduate(student, year: year)
                } else {
                    var promoted = student
                    promoted.grade += 1
                    next.append(promoted)
                }
            }
            for (school, roster) in rosters.enumerated() {
                formTeams(school: school, roster: roster, year: year, academicYear: academicYear)
            }
            trainTeachers(year: year)
            declareDemand(year: year)
            runSurveys(year: year)
            if year == config.years - 1 {
                forgetSomeSubjects(year: year)
            }
            // The grade-1 intake of the next September.
            for _ in 0..<(config.students / 11) where !orgs(.school).isEmpty {
                let count = RegionGenerator.professions.count
                next.append(Student(number: nextStudent, school: random.below(orgs(.school).count), grade: 1,
                                    favourite: random.below(count), second: random.below(count)))
                nextStudent += 1
            }
            students = next
        }

        func simulate(student: inout Student, year: Int, academicYear: String) {
            let person = student.personId
            let school = orgs[orgs(.school)[student.school]]
            let town = school.town
            var enrolled = JSONObject()
            enrolled.string("personId", person)
            enrolled.string("schoolOrgId", school.id)
            enrolled.integer("grade", student.grade)
            enrolled.string("academicYear", academicYear)
            emit("StudentEnrolled", Moment(day: firstDay(ofYear: year), minute: 8 * 60 + random.below(60)),
                 town: town, source: school.id, enrolled)

            if student.grade >= 6 && random.chance(500) {
                diagnose(person, town: town, year: year)
            }
            if student.grade >= 8 && random.chance(450 + 100 * min(year, 4)) {
                setRoute(student, town: town, year: year, academicYear: academicYear)
            }
            if student.grade >= 6 {
                for _ in 0..<random.count(trials: 3, perMille: 200 + 60 * min(year, 5)) {
                    trial(&student, town: town, year: year)
                }
            }
            for _ in 0..<random.count(trials: 2, perMille: 350) {
                studyProgramme(person, town: town, year: year)
            }
            for _ in 0..<random.count(trials: 4, perMille: 375) {
                attend(person, town: town, year: year)
            }
            if student.grade >= 5 && random.chance(250) {
                compete(person, school: student.school, town: town, year: year)
            }
            if random.chance(100) {
                mentor(person, school: student.school, town: town, year: year)
            }
        }

        func diagnose(_ person: String, town: Int, year: Int) {
            var interests = JSONObject()
            var seen: Set<String> = []
            for _ in 0..<random.between(3, 5) {
                let direction = random.pick(RegionGenerator.directions)
                if seen.insert(direction).inserted {
                    interests.integer(direction, random.between(0, 100))
                }
            }
            var data = JSONObject()
            data.string("personId", person)
            data.string("instrument", random.pick(RegionGenerator.instruments))
            data.object("interests", interests)
            emit("DiagnosticCompleted", moment(day(ofYear: year, from: 10, to: 80)), town: town, data)
        }

        func setRoute(_ student: Student, town: Int, year: Int, academicYear: String) {
            // Now and then a route is revised later in the year; the later one replaces the earlier.
            let versions = random.chance(60) ? 2 : 1
            for version in 0..<versions {
                var data = JSONObject()
                data.string("personId", student.personId)
                data.string("routeId", "iom-\(student.personId)-\(config.firstAcademicYear + year)")
                data.string("academicYear", academicYear)
                let navigators = navigatorsBySchool[student.school]
                if !navigators.isEmpty && random.chance(750) {
                    data.string("navigatorId", random.pick(navigators))
                }
                var targets = [RegionGenerator.professions[student.favourite].code]
                if student.second != student.favourite && random.chance(500) {
                    targets.append(RegionGenerator.professions[student.second].code)
                }
                data.strings("targetProfessionCodes", targets)
                var chosen: [String] = []
                for _ in 0..<min(available.count, random.between(0, 2)) {
                    chosen.append(random.pick(available).id)
                }
                data.strings("programmeIds", chosen)
                emit("IndividualRouteSet", moment(day(ofYear: year, from: 20 + 90 * version, to: 60 + 90 * version)),
                     town: town, data)
            }
        }

        func trial(_ student: inout Student, town: Int, year: Int) {
            let profession = random.chance(600) ? student.favourite
                : random.below(RegionGenerator.professions.count)
            let provider = orgs[random.pick(trialProviders)]
            trials += 1
            var data = JSONObject()
            data.string("trialId", "tr-" + pad(trials, 8))
            data.string("personId", student.personId)
            data.string("professionCode", RegionGenerator.professions[profession].code)
            data.string("providerOrgId", provider.id)
            if !trialProgrammes.isEmpty && random.chance(250) {
                data.string("programmeId", random.pick(trialProgrammes).id)
            }
            data.string("mode", random.pick(["on_site", "on_site", "at_employer", "simulated", "online"]))
            data.integer("hours", random.pick([2, 4, 6, 8, 12, 16, 36]))
            data.string("outcome", random.chance(720) ? "positive" : "negative")
            if random.chance(600) {
                // Half points occur: some providers score on a 0-100 scale with halves.
                data.tenths("externalScore", random.between(60, 200) * 5)
            }
            if random.chance(500) {
                data.integer("selfAssessment", random.between(1, 5))
            }
            let when = moment(day(ofYear: year, from: 30, to: 290))
            let id = emit("CareerTrialCompleted", when, town: town, source: provider.id, data)
            student.tried |= 1 << UInt32(profession)
            // A few trials were entered by mistake and are retracted weeks later.
            if trials % 600 == 3 {
                var retraction = JSONObject()
                retraction.string("eventId", id)
                retraction.string("reason", random.pick(["ошибка ввода", "проба записана не тому ученику"]))
                emit("EventRetracted", moment(when.day + random.between(1, 60)), town: town, retraction)
            }
        }

        func studyProgramme(_ person: String, town: Int, year: Int) {
            guard !available.isEmpty else { return }
            let programme = random.pick(available)
            let holder = orgs[programme.holder].id
            let start = day(ofYear: year, from: 5, to: 120)
            var data = JSONObject()
            data.string("personId", person)
            data.string("programmeId", programme.id)
            emit("ProgrammeEnrolled", moment(start), town: town, source: holder, data)
            guard random.chance(800) else { return }
            var done = JSONObject()
            done.string("personId", person)
            done.string("programmeId", programme.id)
            if random.chance(700) {
                done.integer("hours", random.pick([18, 36, 72, 144, 288]))
            }
            done.string("result", ["completed", "certificate", "withdrawn"][random.weighted([60, 25, 15])])
            emit("ProgrammeCompleted", moment(start + random.between(30, 220)), town: town, source: holder, done)
        }

        func attend(_ person: String, town: Int, year: Int) {
            var data = JSONObject()
            data.string("activityId", "act-\(config.firstAcademicYear + year)-" + pad(random.below(5000), 4))
            data.string("personId", person)
            data.string("kind", random.pick(RegionGenerator.activityKinds))
            if random.chance(500) {
                data.string("organiserOrgId", orgs[random.below(orgs.count)].id)
            }
            data.string("level", RegionGenerator.levels[random.weighted([50, 30, 15, 4, 1])])
            if random.chance(300) {
                data.string("title", random.pick(RegionGenerator.activityTitles))
            }
            emit("ActivityAttended", moment(day(ofYear: year)), town: town, data)
        }

        func compete(_ person: String, school: Int, town: Int, year: Int) {
            let direction = random.pick(RegionGenerator.directions)
            let title = random.below(RegionGenerator.competitionTitles.count)
            var data = JSONObject()
            data.string("competitionId", "cmp-\(config.firstAcademicYear + year)-" + pad(title, 3))
            data.string("title", RegionGenerator.competitionTitles[title])
            data.string("level", RegionGenerator.levels[random.weighted([40, 30, 20, 8, 2])])
            data.string("participantKind", "person")
            data.string("participantId", person)
            data.string("result", RegionGenerator.results[random.weighted([60, 15, 17, 8])])
            data.string("direction", direction)
            data.bool("technical", RegionGenerator.technicalDirections.contains(direction))
            if random.chance(500) {
                data.string("supervisorId", random.pick(staffBySchool[school]))
            }
            emit("CompetitionResultRecorded", moment(day(ofYear: year, from: 40, to: 300)), town: town, data)
        }

        func mentor(_ person: String, school: Int, town: Int, year: Int) {
            let (form, kind) = random.pick(RegionGenerator.studentForms)
            let mentor = kind == "teacher" ? random.pick(staffBySchool[school])
                : random.pick(mentorsByKind[kind] ?? staffBySchool[school])
            let programme = !mentoringProgrammes.isEmpty && random.chance(300)
                ? random.pick(mentoringProgrammes).id : nil
            startMentorship(mentor: mentor, menteeKind: "person", mentee: person, form: form, programme: programme,
                            day: day(ofYear: year, from: 10, to: 200), town: town)
        }

        func startMentorship(mentor: String, menteeKind: String, mentee: String, form: String, programme: String?,
                             day start: Int, town: Int) {
            mentorships += 1
            let id = "ms-" + pad(mentorships, 7)
            var data = JSONObject()
            data.string("mentorshipId", id)
            data.string("mentorId", mentor)
            data.string("menteeKind", menteeKind)
            data.string("menteeId", mentee)
            data.string("form", form)
            if let programme {
                data.string("programmeId", programme)
            }
            emit("MentorshipStarted", moment(start), town: town, data)
            if mentorships == 1 || random.chance(700) {
                var ended = JSONObject()
                ended.string("mentorshipId", id)
                ended.string("outcome", random.chance(800) ? "completed" : "discontinued")
                emit("MentorshipEnded", moment(start + random.between(30, 300)), town: town, ended)
            }
        }

        func graduate(_ student: Student, year: Int) {
            let school = orgs[orgs(.school)[student.school]]
            let weights = student.grade == 11 ? [45, 35, 8, 7, 5] : [85, 0, 5, 0, 10]
            let destination = ["college", "university", "employment", "army", "other"][random.weighted(weights)]
            var data = JSONObject()
            data.string("personId", student.personId)
            data.string("destination", destination)
            let pool: [Int] = switch destination {
            case "college": orgs(.college)
            case "university": orgs(.university)
            case "employment": orgs(.employer)
            default: []
            }
            if !pool.isEmpty && random.chance(900) {
                data.string("orgId", orgs[pool[random.below(pool.count)]].id)
            }
            if !pool.isEmpty {
                let tried = (0..<RegionGenerator.professions.count).filter { student.tried & (1 << UInt32($0)) != 0 }
                if !tried.isEmpty && random.chance(500) {
                    data.string("professionCode", RegionGenerator.professions[random.pick(tried)].code)
                } else if random.chance(500) {
                    data.string("professionCode", RegionGenerator.professions[student.favourite].code)
                }
            }
            data.bool("inRegion", random.chance(620))
            data.string("profile", random.pick(["technical", "science", "humanities", "other"]))
            let day = daysFromCivil(year: config.firstAcademicYear + year + 1, month: 8, day: random.between(1, 28))
            emit("GraduateDestinationRecorded", moment(day), town: school.town, data)
        }

        // MARK: Teams and projects

        func formTeams(school index: Int, roster: [Int], year: Int, academicYear: String) {
            guard !roster.isEmpty else { return }
            let school = orgs[orgs(.school)[index]]
            let count = index == 0 ? max(1, random.pick([0, 1, 1, 2, 3])) : random.pick([0, 1, 1, 2, 3])
            for _ in 0..<count {
                teams += 1
                let team = "team-" + pad(teams, 5)
                let line = random.pick(["engineering", "socio_economic", "it", "design"])
                var members: [String] = []
                for _ in 0..<min(roster.count, random.between(3, 9)) {
                    let person = students[random.pick(roster)].personId
                    if !members.contains(person) {
                        members.append(person)
                    }
                }
                let registered = day(ofYear: year, from: 20, to: 60)
                var data = JSONObject()
                data.string("teamId", team)
                data.string("schoolOrgId", school.id)
                data.string("season", academicYear)
                data.string("line", line)
                data.string("name", "Команда «\(random.pick(RegionGenerator.teamWords))-\(teams)»")
                data.strings("memberIds", members)
                if random.chance(800) {
                    data.string("curatorId", random.pick(staffBySchool[index]))
                }
                emit("TeamRegistered", moment(registered), town: school.town, source: school.id, data)
                changeMembers(team, members: members, roster: roster, registered: registered, town: school.town,
                              first: teams == 1)
                if teams == 1 || random.chance(250) {
                    let kind = random.chance(500) ? "university_student" : "employer_specialist"
                    let form = kind == "university_student" ? "university_student_student" : "employer_student"
                    startMentorship(mentor: random.pick(mentorsByKind[kind] ?? []), menteeKind: "team", mentee: team,
                                    form: form, programme: nil, day: registered + 5, town: school.town)
                }
                if teams == 1 || random.chance(850) {
                    submitProject(team: team, line: line, registered: registered, town: school.town, year: year)
                }
            }
        }

        func changeMembers(_ team: String, members: [String], roster: [Int], registered: Int, town: Int,
                           first: Bool) {
            if first || random.chance(300) {
                let person = students[random.pick(roster)].personId
                if !members.contains(person) {
                    var data = JSONObject()
                    data.string("teamId", team)
                    data.string("personId", person)
                    emit("TeamMemberJoined", moment(registered + 20), town: town, data)
                }
            }
            if first || random.chance(200) {
                var data = JSONObject()
                data.string("teamId", team)
                data.string("personId", random.pick(members))
                emit("TeamMemberLeft", moment(registered + 40), town: town, data)
            }
        }

        func submitProject(team: String, line: String, registered: Int, town: Int, year: Int) {
            projects += 1
            let project = "prj-" + pad(projects, 5)
            let submitted = registered + random.between(60, 150)
            var data = JSONObject()
            data.string("projectId", project)
            data.string("teamId", team)
            data.string("title", "\(random.pick(RegionGenerator.projectTopics)) (проект \(projects))")
            data.string("line", line)
            emit("ProjectSubmitted", moment(submitted), town: town, data)
            var best = 0
            let panel = min(3, experts.count)
            for judge in 0..<panel {
                var criteria = JSONObject()
                var total = 0
                for name in RegionGenerator.criteriaNames.prefix(4) {
                    // Scores in tenths, so that half points occur and the sum stays exact.
                    let score = random.between(6, 20) * 5
                    criteria.tenths(name, score)
                    total += score
                }
                best = max(best, total)
                var scored = JSONObject()
                scored.string("projectId", project)
                scored.string("teamId", team)
                scored.string("expertId", experts[(projects + judge) % experts.count])
                scored.integer("round", 1)
                scored.object("criteria", criteria)
                scored.tenths("total", total)
                emit("ProjectScored", moment(submitted + 14), town: town, scored)
            }
            if projects == 1 || best >= 300 {
                var advanced = JSONObject()
                advanced.string("teamId", team)
                advanced.string("toLevel", random.pick(["municipal", "regional", "federal"]))
                emit("TeamAdvanced", moment(submitted + 30), town: town, advanced)
            }
            if projects == 1 || random.chance(350) {
                var result = JSONObject()
                result.string("competitionId", "prod\(RegionGenerator.region)-\(config.firstAcademicYear + year)")
                result.string("title", "Конкурс проектов «ПРОдвижение»")
                result.string("level", RegionGenerator.levels[random.weighted([10, 40, 35, 12, 3])])
                result.string("participantKind", "team")
                result.string("participantId", team)
                result.string("result", random.pick(RegionGenerator.results))
                // Every team line is also a direction.
                result.string("direction", line)
                result.bool("technical", line == "engineering" || line == "it")
                emit("CompetitionResultRecorded", moment(submitted + 35), town: town, result)
            }
        }

        // MARK: Teachers, demand, feedback, personal data

        func trainTeachers(year: Int) {
            for (index, staff) in staffBySchool.enumerated() {
                let town = orgs[orgs(.school)[index]].town
                for person in staff {
                    if random.chance(500) {
                        var data = JSONObject()
                        data.string("personId", person)
                        let kinds = ["internship", "cpd_course", "seminar", "independent_assessment"]
                        data.string("kind", kinds[random.weighted([15, 55, 20, 10])])
                        if random.chance(700) {
                            data.string("providerOrgId", pickOrg(.university, .additionalEducation, .employer).id)
                        }
                        data.integer("hours", random.pick([8, 16, 24, 36, 72, 144]))
                        data.bool("priorityArea", random.chance(600))
                        emit("TeacherTrainingCompleted", moment(day(ofYear: year)), town: town, data)
                    }
                    if random.chance(200) {
                        var data = JSONObject()
                        data.string("personId", person)
                        data.string("format", random.pick(["seminar", "master_class", "open_lesson", "webinar",
                                                           "conference_talk", "publication"]))
                        data.string("level", RegionGenerator.levels[random.weighted([50, 30, 15, 4, 1])])
                        if random.chance(500) {
                            data.bool("indexed", random.chance(150))
                        }
                        emit("ExperienceShared", moment(day(ofYear: year)), town: town, data)
                    }
                    if random.chance(40) {
                        var data = JSONObject()
                        data.string("competitionId", "ped-\(config.firstAcademicYear + year)")
                        data.string("title", "Педагог года")
                        data.string("level", RegionGenerator.levels[random.weighted([30, 50, 15, 5, 0])])
                        data.string("participantKind", "person")
                        data.string("participantId", person)
                        data.string("result", random.pick(RegionGenerator.results))
                        data.string("direction", "pedagogy")
                        data.bool("technical", false)
                        emit("CompetitionResultRecorded", moment(day(ofYear: year)), town: town, data)
                    }
                }
            }
        }

        func declareDemand(year: Int) {
            let calendarYear = config.firstAcademicYear + year
            for employer in orgs(.employer) {
                let org = orgs[employer]
                for _ in 0..<2 {
                    let profession = random.pick(RegionGenerator.professions)
                    let hot = profession.inDemand ?? false
                    let declared = day(ofYear: year, to: 90)
                    for ahead in 1...2 {
                        var data = JSONObject()
                        data.string("employerOrgId", org.id)
                        data.string("professionCode", profession.code)
                        data.integer("year", calendarYear + ahead)
                        data.integer("positions", random.between(0, hot ? 12 : 4))
                        emit("StaffingDemandDeclared", moment(declared), town: org.town, source: org.id, data)
                    }
                }
            }
        }

        func runSurveys(year: Int) {
            for index in 0..<max(10, config.students / 50) {
                let kind = random.pick(["student", "parent", "teacher", "partner"])
                var data = JSONObject()
                data.string("surveyId", "srv-\(config.firstAcademicYear + year)-" + pad(index + 1, 5))
                data.string("respondentKind", kind)
                if kind == "student" && !students.isEmpty && random.chance(500) {
                    data.string("respondentId", random.pick(students).personId)
                }
                data.integer("satisfaction", random.weighted([3, 7, 20, 40, 30]) + 1)
                emit("SurveyAnswered", moment(day(ofYear: year, from: 250, to: 290)), town: random.below(towns.count),
                     data)
            }
        }

        func recordPersonalData() {
            for student in students.prefix(max(10, config.students / 20)) {
                let feminine = random.chance(500)
                let (surname, surnameF) = random.pick(RegionGenerator.surnames)
                let (patronymic, patronymicF) = random.pick(RegionGenerator.fathers)
                let name = feminine ? "\(surnameF) \(random.pick(RegionGenerator.femaleNames)) \(patronymicF)"
                    : "\(surname) \(random.pick(RegionGenerator.maleNames)) \(patronymic)"
                let town = orgs[orgs(.school)[student.school]].town
                var data = JSONObject()
                data.string("personId", student.personId)
                data.string("fullName", name)
                if random.chance(800) {
                    let born = config.firstAcademicYear - 6 - student.grade
                    let birthDay = daysFromCivil(year: born, month: 1, day: 1) + random.below(365)
                    data.raw("birthDate", isoDate(birthDay))
                }
                if random.chance(300) {
                    data.string("contact", "+7 (8412) " + pad(random.below(100), 2) + "-" + pad(random.below(100), 2)
                                + "-" + pad(random.below(100), 2) + ", законный представитель")
                }
                personalData.append((student.personId, town))
                emit("PersonalDataRecorded", moment(firstDay(ofYear: 0) + 1), town: town, data)
            }
        }

        func forgetSomeSubjects(year: Int) {
            for (index, person) in personalData.enumerated() where index % 10 == 3 {
                var data = JSONObject()
                data.string("personId", person.personId)
                data.string("reason", "заявление законного представителя")
                let june = daysFromCivil(year: config.firstAcademicYear + year + 1, month: 6, day: 1)
                emit("SubjectForgotten", moment(june + random.below(20)), town: person.town, data)
            }
        }
    }
}

// MARK: - Time, randomness and JSON text

extension RegionGenerator {
    /// A local business time at the region's fixed offset: days since 1970-01-01 and minutes into the day.
    fileprivate struct Moment: Comparable {
        let day: Int
        let minute: Int

        static func < (a: Moment, b: Moment) -> Bool { (a.day, a.minute) < (b.day, b.minute) }

        var rfc3339: String {
            isoDate(day) + "T" + pad(minute / 60, 2) + ":" + pad(minute % 60, 2) + ":00" + RegionGenerator.offset
        }
    }

    /// An event waiting for its turn in time order; `sequence` keeps equal times in the order they were made.
    fileprivate struct Pending {
        let at: Moment
        let sequence: Int
        let line: String
    }

    /// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast and the same on every platform.
    struct SplitMix64 {
        private var state: UInt64

        init(seed: UInt64) { state = seed }

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        /// A number in 0..<bound; the modulo bias is far below anything a demo can notice.
        mutating func below(_ bound: Int) -> Int {
            precondition(bound > 0, "empty range")
            return Int(next() % UInt64(bound))
        }

        /// A number in lower...upper.
        mutating func between(_ lower: Int, _ upper: Int) -> Int { lower + below(upper - lower + 1) }

        /// True with probability perMille / 1000.
        mutating func chance(_ perMille: Int) -> Bool { below(1000) < perMille }

        /// How many of `trials` independent tries succeed with probability perMille / 1000.
        mutating func count(trials: Int, perMille: Int) -> Int {
            (0..<trials).reduce(0) { total, _ in total + (chance(perMille) ? 1 : 0) }
        }

        mutating func pick<Element>(_ elements: [Element]) -> Element { elements[below(elements.count)] }

        /// An index chosen with the given relative weights.
        mutating func weighted(_ weights: [Int]) -> Int {
            var roll = below(weights.reduce(0, +))
            for (index, weight) in weights.enumerated() {
                if roll < weight {
                    return index
                }
                roll -= weight
            }
            return weights.count - 1
        }

        /// A random (version 4) UUID in lowercase canonical form, 8-4-4-4-12.
        mutating func uuid() -> String {
            let high = next() & ~0xF000 | 0x4000
            let low = next() & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000
            let digits = Array("0123456789abcdef".utf8)
            var text: [UInt8] = []
            text.reserveCapacity(36)
            for index in 0..<32 {
                if [8, 12, 16, 20].contains(index) {
                    text.append(UInt8(ascii: "-"))
                }
                let word = index < 16 ? high : low
                text.append(digits[Int(word >> UInt64(60 - 4 * (index % 16)) & 0xF)])
            }
            return String(decoding: text, as: UTF8.self)
        }
    }

    /// A JSON object written as text in insertion order. Numbers are integers or exact tenths, never `Double`,
    /// so that the text is the same everywhere.
    fileprivate struct JSONObject {
        private var bytes: [UInt8] = [UInt8(ascii: "{")]

        var text: String { String(decoding: bytes + [UInt8(ascii: "}")], as: UTF8.self) }

        mutating func string(_ key: String, _ value: String) {
            self.key(key)
            appendQuoted(value)
        }

        mutating func strings(_ key: String, _ values: [String]) {
            self.key(key)
            bytes.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 {
                    bytes.append(UInt8(ascii: ","))
                }
                appendQuoted(value)
            }
            bytes.append(UInt8(ascii: "]"))
        }

        mutating func integer(_ key: String, _ value: Int) {
            self.key(key)
            bytes.append(contentsOf: String(value).utf8)
        }

        /// A number given in tenths: 75 is written 7.5, 80 is written 8.
        mutating func tenths(_ key: String, _ value: Int) {
            self.key(key)
            let sign = value < 0 ? "-" : ""
            let magnitude = value.magnitude
            let fraction = magnitude % 10 == 0 ? "" : "." + String(magnitude % 10)
            bytes.append(contentsOf: (sign + String(magnitude / 10) + fraction).utf8)
        }

        mutating func bool(_ key: String, _ value: Bool) {
            self.key(key)
            bytes.append(contentsOf: (value ? "true" : "false").utf8)
        }

        /// A string the caller knows needs no escaping (dates, times).
        mutating func raw(_ key: String, _ value: String) {
            self.key(key)
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: value.utf8)
            bytes.append(UInt8(ascii: "\""))
        }

        mutating func object(_ key: String, _ value: JSONObject) {
            self.key(key)
            bytes.append(contentsOf: value.bytes)
            bytes.append(UInt8(ascii: "}"))
        }

        private mutating func key(_ key: String) {
            if bytes.count > 1 {
                bytes.append(UInt8(ascii: ","))
            }
            appendQuoted(key)
            bytes.append(UInt8(ascii: ":"))
        }

        /// Appends a JSON string literal; UTF-8 above ASCII passes through unescaped, as JSON allows.
        private mutating func appendQuoted(_ value: String) {
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(UInt8(ascii: "\""))
            for byte in value.utf8 {
                switch byte {
                case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                case UInt8(ascii: "\t"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                case 0..<0x20:
                    bytes.append(contentsOf: Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                default: bytes.append(byte)
                }
            }
            bytes.append(UInt8(ascii: "\""))
        }
    }
}

// Free functions would collide with any of the same name elsewhere in the module; these stay in this file.
extension RegionGenerator {
    /// Days since 1970-01-01 of a calendar date (the generator only asks for real ones).
    fileprivate static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        LocalDate(year: year, month: month, day: day)!.daysSinceEpoch
    }

    /// The date `days` after 1970-01-01 as YYYY-MM-DD.
    fileprivate static func isoDate(_ days: Int) -> String {
        LocalDate(daysSinceEpoch: days).description
    }

    /// An academic year as EVENTS.md writes it: 2023 gives "2023-24", 2099 gives "2099-00".
    fileprivate static func academicYearText(_ firstYear: Int) -> String {
        pad(firstYear, 4) + "-" + pad((firstYear + 1) % 100, 2)
    }

    /// `value` in decimal with leading zeros to `width` digits.
    fileprivate static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
