import Dispatch
import OrientirEvents
import Synchronization

/// One row of the output contract: an indicator for a scope and a period.
public struct IndicatorRow: Sendable {
    public var indicator: Indicator
    public var scope: Scope
    public var period: Period
    /// A count, a fraction in [0, 1] or a mean; nil for a share over zero or a mean over nothing.
    public var value: Double?
    public var numerator: Int?
    public var denominator: Int?
    public var cumulative: Int?
    /// Per mentor kind or respondent kind, in catalog order.
    public var breakdown: [(key: String, value: Double?)]?
    public var target: Target?
    public var met: Bool?
    /// The events behind the numerator (or the count) and the denominator, when asked for.
    public var provenance: Provenance?
}

/// The events that make up a value, by position.
public struct Provenance: Sendable {
    public var numerator: [EventRef]
    public var denominator: [EventRef]
}

/// What to compute: scopes (nil = every region and municipality), periods (nil = every academic year with an
/// event), indicators (nil = all), and whether to name the events.
public struct IndicatorQuery: Sendable {
    public var scope: Scope?
    public var period: Period?
    public var indicators: [Indicator]?
    public var explain: Bool

    public init(scope: Scope? = nil, period: Period? = nil, indicators: [Indicator]? = nil, explain: Bool = false) {
        self.scope = scope
        self.period = period
        self.indicators = indicators
        self.explain = explain
    }
}

extension IndicatorFacts {
    /// The rows READ_MODELS.md §2 defines, for the query, ordered by scope (regions, then municipalities, by id),
    /// period and indicator.
    public func indicators(_ query: IndicatorQuery = IndicatorQuery()) -> [IndicatorRow] {
        IndicatorComputation(facts: self, query: query).rows()
    }

    /// The periods rule 4 gives rows for: every academic year in which a folded event is dated.
    public var periods: [Period] { academicYears.sorted().map { Period(academicStartYear: $0) } }
}

/// One computation over the facts: a grid of cells, scopes × periods, per indicator.
struct IndicatorComputation: Sendable {
    let facts: IndicatorFacts
    let query: IndicatorQuery
    /// Periods computed (the previous one of a requested period too, for "≥ previous period").
    let periods: [Period]
    let rowPeriods: [Period]
    let regionCount: Int
    let municipalityCount: Int
    /// The requested organisation, if any (its cell index is `regionCount + municipalityCount`).
    let organisation: Int32?
    let scopeCount: Int
    /// (person, period index) → the deciding enrolment of the person's roster year.
    var roster = PairMap(rows: 0, columns: 0)
    /// The roster's entries in key order, each with what the shares read of it (one flat pass per indicator).
    var rosterRows: [RosterRow] = []
    /// For an organisation scope: (person << 32 | academic start year) → school of the person's last enrolment
    /// that year, in log order; and the persons registered as its staff (a per-person index, no scans per row).
    var lastSchool: [UInt64: Int32] = [:]
    var organisationStaff: Set<Int32> = []

    init(facts: IndicatorFacts, query: IndicatorQuery) {
        self.facts = facts
        self.query = query
        if let period = query.period {
            let seen = period.kind == .academic ? facts.academicYears : facts.calendarYears
            periods = seen.contains(period.previous.year) ? [period.previous, period] : [period]
            rowPeriods = [period]
        } else {
            periods = facts.periods
            rowPeriods = periods
        }
        regionCount = facts.regions.count
        municipalityCount = facts.municipalities.count
        if case .organisation(let id) = query.scope {
            organisation = facts.organisations.id(of: id) ?? Int32.min
            scopeCount = regionCount + municipalityCount + 1
        } else {
            organisation = nil
            scopeCount = regionCount + municipalityCount
        }
        roster = PairMap(rows: facts.persons.count, columns: periods.count)
        let rosterYears = periods.map { Int32($0.rosterYear) }
        for (index, enrolment) in facts.enrolments.enumerated() {
            for p in rosterYears.indices where rosterYears[p] == enrolment.academicYear {
                roster[enrolment.person, p] = Int32(index)
            }
        }
        if let organisation {
            for enrolment in facts.enrolments {
                lastSchool[UInt64(UInt32(bitPattern: enrolment.person)) << 32
                    | UInt64(UInt32(bitPattern: enrolment.academicYear))] = enrolment.school
            }
            for registration in facts.staff where registration.org == organisation {
                organisationStaff.insert(registration.person)
            }
        }
        rosterRows = roster.sortedEntries().map { person, p, index in
            let enrolment = facts.enrolments[Int(index)]
            return RosterRow(key: UInt64(UInt32(person)) << 8 | UInt64(p), enrolment: index, person: enrolment.person,
                             grade: enrolment.grade, period: p, place: place(of: enrolment),
                             concerns: organisation != nil && enrolment.school == organisation)
        }
    }

    /// A roster entry: the person's deciding enrolment for a period, its school's place (rule 6) resolved.
    struct RosterRow: Sendable {
        var key: UInt64
        var enrolment: Int32
        var person: Int32
        var grade: Int32
        var period: Int
        var place: Place
        var concerns: Bool
    }

    var cellCount: Int { scopeCount * periods.count }

    // MARK: - Rows

    func rows() -> [IndicatorRow] {
        let wanted = query.indicators ?? Indicator.allCases
        // Indicators are computed independently of each other: on every core, the next one to whichever is free.
        let computed = Mutex<[Indicator: [Cell]]>([:])
        DispatchQueue.concurrentPerform(iterations: wanted.count) { index in
            let cells = self.cells(wanted[index])
            computed.withLock { $0[wanted[index]] = cells }
        }
        let cellsByIndicator = computed.withLock { $0 }
        var scopes: [(Scope, Int)] = []
        switch query.scope {
        case .region(let id)?:
            scopes = [(.region(id), facts.regions.id(of: id).map(Int.init) ?? -1)]
        case .municipality(let id)?:
            scopes = [(.municipality(id), facts.municipalities.id(of: id).map { regionCount + Int($0) } ?? -1)]
        case .organisation(let id)?:
            scopes = [(.organisation(id), regionCount + municipalityCount)]
        case nil:
            scopes = facts.regions.strings.enumerated().sorted { $0.element < $1.element }.map { (.region($1), $0) }
                + facts.municipalities.strings.enumerated().sorted { $0.element < $1.element }
                .map { (.municipality($1), regionCount + $0) }
        }
        var rows: [IndicatorRow] = []
        for (scope, scopeIndex) in scopes {
            for period in rowPeriods {
                let p = periods.firstIndex(of: period)!
                for indicator in wanted {
                    let cell = scopeIndex >= 0 ? cellsByIndicator[indicator]![scopeIndex * periods.count + p] : Cell()
                    var row = IndicatorRow(
                        indicator: indicator, scope: scope, period: period, value: cell.value, numerator: cell.numerator,
                        denominator: cell.denominator, cumulative: cell.cumulative, breakdown: cell.breakdown)
                    judge(&row, scopeIndex: scopeIndex, periodIndex: p, cells: cellsByIndicator[indicator]!)
                    if query.explain {
                        row.provenance = Provenance(numerator: references(cell.numeratorRefs),
                                                    denominator: references(cell.denominatorRefs))
                    }
                    rows.append(row)
                }
            }
        }
        return rows
    }

    private func references(_ refs: [Int32]) -> [EventRef] {
        Set(refs).sorted().map { facts.refs[Int($0)] }
    }

    /// Target and met (rule 17).
    private func judge(_ row: inout IndicatorRow, scopeIndex: Int, periodIndex p: Int, cells: [Cell]) {
        let indicator = row.indicator
        if indicator.targetsPreviousPeriod {
            guard p > 0, periods[p - 1] == row.period.previous, scopeIndex >= 0,
                let previous = cells[scopeIndex * periods.count + p - 1].value
            else { return }
            row.target = Target(value: previous, isCount: true)
            row.met = row.value.map { $0 >= previous }
            return
        }
        guard let target = indicator.fixedTarget else { return }
        row.target = target
        let judged: Double?
        switch indicator {
        case .newProgrammes: judged = row.cumulative.map(Double.init)
        case .teamsComplete:
            judged = (row.denominator ?? 0) > 0 ? Double(row.numerator ?? 0) / Double(row.denominator!) : nil
        default: judged = row.value
        }
        row.met = judged.map { $0 >= target.value }
    }

    // MARK: - Cells

    struct Cell: Sendable {
        var value: Double?
        var numerator: Int?
        var denominator: Int?
        var cumulative: Int?
        var breakdown: [(key: String, value: Double?)]?
        var numeratorRefs: [Int32] = []
        var denominatorRefs: [Int32] = []
    }

    func cells(_ indicator: Indicator) -> [Cell] {
        switch indicator {
        case .projects:
            return distinctCount(facts.projectSubmissions.map {
                Counted(item: $0.value, day: $0.day, place: $0.place, ref: $0.ref,
                        concerns: facts.teamSchool[Int($0.team)] == organisation)
            }, cumulative: true)
        case .studentsTrained:
            return distinctCount(facts.programmeCompletions.filter(\.completed).map {
                Counted(item: $0.person, day: $0.day, place: $0.place, ref: $0.ref,
                        concerns: concerns(person: $0.person, day: $0.day)
                            || facts.programmeHolder[Int($0.programme)] == organisation)
            }, cumulative: true)
        case .teachersInterned:
            let internship = Int32(TrainingKind.allCases.firstIndex(of: .internship)!)
            return distinctCount(facts.trainings.filter { $0.kind == internship }.map {
                Counted(item: $0.person, day: $0.day, place: $0.place, ref: $0.ref,
                        concerns: concerns(person: $0.person, day: $0.day))
            }, cumulative: true)
        case .newProgrammes:
            return distinctCount(facts.launches.filter(\.isNew).map {
                Counted(item: $0.programme, day: $0.day, place: $0.place, ref: $0.ref, concerns: $0.holder == organisation)
            }, cumulative: true)
        case .teamsAdvanced:
            return distinctCount(facts.advances.map {
                Counted(item: $0.team, day: $0.day, place: $0.place, ref: $0.ref,
                        concerns: facts.teamSchool[Int($0.team)] == organisation)
            }, cumulative: true)
        case .teamsRegistered, .teamsComplete:
            return teams(complete: indicator == .teamsComplete)
        case .partnersProfessional:
            return partners([.college, .university])
        case .partnersEmployers:
            return partners([.employer])
        case .partnersCmit:
            return partners([.cmit])
        case .experts:
            return registered(facts.experts, kinds: nil)
        case .mentorsByKind:
            return registered(facts.mentors, kinds: MentorKind.allCases.map(\.rawValue))
        case .shareTechnicalWinners:
            return studentShare(grades: nil, mask(facts.results.lazy.filter { $0.prize && $0.technical }
                .map { ($0.person, $0.day, $0.ref) }))
        case .shareNetworkLearning:
            let network = Int32(ProgrammeKind.allCases.firstIndex(of: .networkProgramme)!)
            return studentShare(grades: nil, mask(facts.programmeEnrolments.lazy
                .filter { facts.programmeKind[Int($0.programme)] == network }.map { ($0.person, $0.day, $0.ref) }))
        case .shareTrials7to8:
            return studentShare(grades: 7...8, mask(facts.trials.lazy.map { ($0.person, $0.day, $0.ref) }))
        case .shareTrials6to11:
            return studentShare(grades: 6...11, mask(facts.trials.lazy.map { ($0.person, $0.day, $0.ref) }))
        case .shareRoutes8to11:
            return studentShare(grades: 8...11, routeMask())
        case .shareStudentsMentored:
            return studentShare(grades: nil, menteeMask())
        case .shareTeachersCPDPriority:
            let cpd = Int32(TrainingKind.allCases.firstIndex(of: .cpdCourse)!)
            return teacherShare(mask(facts.trainings.lazy.filter { $0.kind == cpd && $0.priority }
                .map { ($0.person, $0.day, $0.ref) }), countOnly: false)
        case .shareTeachersIndependentAssessment:
            let assessment = Int32(TrainingKind.allCases.firstIndex(of: .independentAssessment)!)
            return teacherShare(mask(facts.trainings.lazy.filter { $0.kind == assessment }
                .map { ($0.person, $0.day, $0.ref) }), countOnly: false)
        case .teachersInCompetitions:
            return teacherShare(mask(facts.results.lazy.filter(\.own).map { ($0.person, $0.day, $0.ref) }),
                                countOnly: true)
        case .shareTeachersSharing:
            return teacherShare(mask(facts.experience.lazy.map { ($0.person, $0.day, $0.ref) }), countOnly: false)
        case .competitionParticipants:
            return studentShare(grades: nil, mask(facts.results.lazy.map { ($0.person, $0.day, $0.ref) }),
                                countOnly: true)
        case .competitionPrizeShare:
            return studentShare(grades: nil, mask(facts.results.lazy.filter(\.prize).map { ($0.person, $0.day, $0.ref) }),
                                within: mask(facts.results.lazy.map { ($0.person, $0.day, $0.ref) }))
        case .graduatesInRegion:
            return eventShare(facts.graduates.map {
                ($0.day, $0.place, $0.ref, true, $0.inRegion, concerns(person: $0.person, day: $0.day))
            })
        case .graduatesTechnical:
            return eventShare(facts.graduates.map {
                ($0.day, $0.place, $0.ref, $0.furtherEducation, $0.furtherEducation && $0.technical,
                 concerns(person: $0.person, day: $0.day))
            })
        case .satisfaction:
            return satisfaction()
        case .programmeHolders:
            return distinctCount(facts.programmeEnrolments.compactMap { enrolment in
                let holder = facts.programmeHolder[Int(enrolment.programme)]
                guard holder != IndicatorFacts.none else { return nil }
                return Counted(item: holder, day: enrolment.day, place: enrolment.place, ref: enrolment.ref,
                               concerns: holder == organisation)
            }, cumulative: false)
        case .programmeParticipants:
            return distinctCount(facts.programmeEnrolments.map {
                Counted(item: $0.person, day: $0.day, place: $0.place, ref: $0.ref,
                        concerns: facts.programmeHolder[Int($0.programme)] == organisation
                            || concerns(person: $0.person, day: $0.day))
            }, cumulative: false, enrolledOnly: true)
        case .employersWithDeficit:
            return deficit()
        case .profileCompleteness:
            return completeness()
        }
    }

    // MARK: - Scopes and periods

    /// Calls `body` with the cell index of every scope the place (and, when it concerns it, the organisation) has
    /// for period `p`.
    @inline(__always)
    private func forEachScope(_ place: Place, concerns: Bool, period p: Int, _ body: (Int) -> Void) {
        body(Int(place.region) * periods.count + p)
        body((regionCount + Int(place.municipality)) * periods.count + p)
        if concerns, organisation != nil { body((regionCount + municipalityCount) * periods.count + p) }
    }

    @inline(__always)
    private func periodIndex(_ day: Int32) -> Int? {
        periods.firstIndex { $0.firstDay <= day && day <= $0.lastDay }
    }

    /// Rule 6: the municipality of the school's latest registration, else the enrolment's own envelope.
    private func place(of enrolment: Enrolment) -> Place {
        organisationPlace(enrolment.school) ?? enrolment.place
    }

    private func organisationPlace(_ org: Int32) -> Place? {
        let municipality = facts.organisationMunicipality[Int(org)]
        guard municipality != IndicatorFacts.none else { return nil }
        return Place(municipality: municipality, region: facts.organisationRegion[Int(org)])
    }

    /// Whether a person's act concerns the requested organisation: a student of its roster for the act's
    /// academic year, or one of its staff.
    private func concerns(person: Int32, day: Int32) -> Bool {
        guard let organisation else { return false }
        let year = Int32(LocalDate(daysSinceEpoch: Int(day)).academicYear.startYear)
        let school = lastSchool[UInt64(UInt32(bitPattern: person)) << 32 | UInt64(UInt32(bitPattern: year))]
        if school == organisation { return true }
        return organisationStaff.contains(person)
    }

    // MARK: - Counts

    struct Counted {
        var item: Int32
        var day: Int32
        var place: Place
        var ref: Int32
        var concerns: Bool
    }

    /// Distinct items dated in p (and, when `cumulative`, on or before its end).
    private func distinctCount(_ rows: [Counted], cumulative: Bool, enrolledOnly: Bool = false) -> [Cell] {
        var counts = [Int](repeating: 0, count: cellCount)
        var totals = [Int](repeating: 0, count: cellCount)
        var refs = [[Int32]](repeating: [], count: query.explain ? cellCount : 0)
        let items = Self.columns(rows.lazy.map(\.item))
        var seen = PairSet(rows: cellCount, columns: items, expected: rows.count)
        // Cumulative counts: an item counts in p when it has a row dated on or before p's end. With the periods in
        // time order that is every p from the first whose end reaches its earliest row: kept per (item, scope),
        // then spread over the periods, instead of one insert per row and period.
        let ascending = zip(periods, periods.dropFirst()).allSatisfy { $0.lastDay < $1.lastDay }
        var firstPeriod = PairMap(rows: cumulative && ascending ? items : 0, columns: scopeCount)
        var seenTotal = PairSet(rows: cumulative && !ascending ? cellCount : 0, columns: items)
        for row in rows {
            if let p = periodIndex(row.day), !enrolledOnly || roster[row.item, p] != nil {
                forEachScope(row.place, concerns: row.concerns, period: p) { cell in
                    if seen.insert(cell, row.item) { counts[cell] += 1 }
                    if query.explain { refs[cell].append(row.ref) }
                }
            }
            guard cumulative else { continue }
            if ascending {
                guard let first = periods.firstIndex(where: { row.day <= $0.lastDay }) else { continue }
                // Period 0's cell of each scope stands for the scope.
                forEachScope(row.place, concerns: row.concerns, period: 0) { base in
                    let scope = base / periods.count
                    if let known = firstPeriod[row.item, scope], known <= first { return }
                    firstPeriod[row.item, scope] = Int32(first)
                }
            } else {
                for (p, period) in periods.enumerated() where row.day <= period.lastDay {
                    forEachScope(row.place, concerns: row.concerns, period: p) { cell in
                        if seenTotal.insert(cell, row.item) { totals[cell] += 1 }
                    }
                }
            }
        }
        firstPeriod.forEach { _, scope, first in
            for p in Int(first)..<periods.count { totals[scope * periods.count + p] += 1 }
        }
        return (0..<cellCount).map { cell in
            Cell(value: Double(counts[cell]), cumulative: cumulative ? totals[cell] : nil,
                 numeratorRefs: query.explain ? refs[cell] : [])
        }
    }

    /// The number of columns that holds every id of `items` (interned ids, from 0).
    private static func columns(_ items: some Sequence<Int32>) -> Int {
        items.reduce(0) { max($0, Int($1) + 1) }
    }

    private func teams(complete: Bool) -> [Cell] {
        var registered = [Int](repeating: 0, count: cellCount)
        var full = [Int](repeating: 0, count: cellCount)
        var numeratorRefs = [[Int32]](repeating: [], count: query.explain ? cellCount : 0)
        var denominatorRefs = numeratorRefs
        var seen = PairSet(rows: cellCount, columns: facts.teams.count)
        var sizes: [UInt64: Int] = [:]
        var membershipsByTeam = [[Int]](repeating: [], count: facts.teams.count)
        for (index, membership) in facts.memberships.enumerated() { membershipsByTeam[Int(membership.team)].append(index) }
        for registration in facts.teamRegistrations {
            for (p, period) in periods.enumerated() {
                let inPeriod = period.kind == .academic
                    ? registration.value == Int32(period.year)
                    : period.firstDay <= registration.day && registration.day <= period.lastDay
                guard inPeriod else { continue }
                let key = UInt64(UInt32(registration.team)) << 8 | UInt64(p)
                let size = sizes[key] ?? {
                    // Rule 8: membership events dated on or before the end of p, in log order.
                    var members: [Int32] = []
                    for index in membershipsByTeam[Int(registration.team)] {
                        let membership = facts.memberships[index]
                        guard membership.day <= period.lastDay else { continue }
                        if membership.joins {
                            if !members.contains(membership.person) { members.append(membership.person) }
                        } else {
                            members.removeAll { $0 == membership.person }
                        }
                    }
                    sizes[key] = members.count
                    return members.count
                }()
                let concerns = facts.teamSchool[Int(registration.team)] == organisation
                forEachScope(registration.place, concerns: concerns, period: p) { cell in
                    if seen.insert(cell, registration.team) {
                        registered[cell] += 1
                        if size >= 10 { full[cell] += 1 }
                    }
                    if query.explain {
                        denominatorRefs[cell].append(registration.ref)
                        if size >= 10 { numeratorRefs[cell].append(registration.ref) }
                    }
                }
            }
        }
        return (0..<cellCount).map { cell in
            complete
                ? Cell(value: Double(full[cell]), numerator: full[cell], denominator: registered[cell],
                       numeratorRefs: query.explain ? numeratorRefs[cell] : [],
                       denominatorRefs: query.explain ? denominatorRefs[cell] : [])
                : Cell(value: Double(registered[cell]), numeratorRefs: query.explain ? denominatorRefs[cell] : [])
        }
    }

    /// Distinct partner organisations of the kinds with an agreement active at the end of p (rule 11).
    private func partners(_ kinds: [OrganisationKind]) -> [Cell] {
        let codes = Set(kinds.map { Int32(OrganisationKind.allCases.firstIndex(of: $0)!) })
        var rows: [(Int, Counted)] = []
        for signing in facts.agreementSignings where codes.contains(facts.organisationKind[Int(signing.partner)]) {
            for (p, period) in periods.enumerated() {
                let end = period.lastDay
                guard signing.day <= end, signing.validUntil >= end, facts.agreementEnd[Int(signing.agreement)] > end
                else { continue }
                rows.append((p, Counted(item: signing.partner, day: signing.day, place: signing.place, ref: signing.ref,
                                        concerns: signing.partner == organisation)))
            }
        }
        return distinctPerPeriod(rows)
    }

    /// Distinct registered persons on or before the end of p, with a breakdown by kind when `kinds` is given.
    private func registered(_ registrations: [PersonAtOrg], kinds: [String]?) -> [Cell] {
        var rows: [(Int, Counted)] = []
        for registration in registrations {
            for (p, period) in periods.enumerated() where registration.day <= period.lastDay {
                rows.append((p, Counted(item: registration.person, day: registration.day, place: registration.place,
                                        ref: registration.ref,
                                        concerns: registration.org != IndicatorFacts.none && registration.org == organisation)))
            }
        }
        var cells = distinctPerPeriod(rows)
        guard let kinds else { return cells }
        var byKind = [[Int]](repeating: [Int](repeating: 0, count: kinds.count), count: cellCount)
        var seen = PairSet(rows: cellCount * kinds.count, columns: Self.columns(registrations.lazy.map(\.person)))
        for registration in registrations {
            for (p, period) in periods.enumerated() where registration.day <= period.lastDay {
                let concerns = registration.org != IndicatorFacts.none && registration.org == organisation
                forEachScope(registration.place, concerns: concerns, period: p) { cell in
                    if seen.insert(cell * kinds.count + Int(registration.kind), registration.person) {
                        byKind[cell][Int(registration.kind)] += 1
                    }
                }
            }
        }
        for cell in 0..<cellCount {
            cells[cell].breakdown = kinds.enumerated().map { ($1, Double(byKind[cell][$0])) }
        }
        return cells
    }

    private func distinctPerPeriod(_ rows: [(Int, Counted)]) -> [Cell] {
        var counts = [Int](repeating: 0, count: cellCount)
        var refs = [[Int32]](repeating: [], count: query.explain ? cellCount : 0)
        var seen = PairSet(rows: cellCount, columns: Self.columns(rows.lazy.map(\.1.item)), expected: rows.count)
        for (p, row) in rows {
            forEachScope(row.place, concerns: row.concerns, period: p) { cell in
                if seen.insert(cell, row.item) { counts[cell] += 1 }
                if query.explain { refs[cell].append(row.ref) }
            }
        }
        return (0..<cellCount).map { Cell(value: Double(counts[$0]), numeratorRefs: query.explain ? refs[$0] : []) }
    }

    private func deficit() -> [Cell] {
        var rows: [(Int, Counted)] = []
        for demand in facts.demands where demand.positions > 0 {
            for (p, period) in periods.enumerated() where Int64(period.demandYear) == demand.key.year {
                rows.append((p, Counted(item: demand.key.employer, day: 0, place: demand.place, ref: demand.ref,
                                        concerns: demand.key.employer == organisation)))
            }
        }
        return distinctPerPeriod(rows)
    }

    // MARK: - Person-centred shares

    /// Per person, a bit per period index in which they did something, and the events behind it.
    struct PersonMask {
        var bits: [UInt64]
        var refs: [UInt64: [Int32]]

        func has(_ person: Int32, _ p: Int) -> Bool { bits[Int(person)] & (1 << UInt64(p)) != 0 }
    }

    private func mask(_ acts: some Sequence<(Int32, Int32, Int32)>) -> PersonMask {
        var mask = PersonMask(bits: [UInt64](repeating: 0, count: facts.persons.count), refs: [:])
        for (person, day, ref) in acts {
            guard let p = periodIndex(day) else { continue }
            mask.bits[Int(person)] |= 1 << UInt64(p)
            if query.explain { mask.refs[UInt64(UInt32(person)) << 8 | UInt64(p), default: []].append(ref) }
        }
        return mask
    }

    /// Rule 14: routes go by their `academicYear`.
    private func routeMask() -> PersonMask {
        var mask = PersonMask(bits: [UInt64](repeating: 0, count: facts.persons.count), refs: [:])
        for route in facts.routes {
            for (p, period) in periods.enumerated() where Int32(period.rosterYear) == route.value {
                mask.bits[Int(route.person)] |= 1 << UInt64(p)
                if query.explain { mask.refs[UInt64(UInt32(route.person)) << 8 | UInt64(p), default: []].append(route.ref) }
            }
        }
        return mask
    }

    /// Rule 10: mentees of a mentorship started on or before the end of p and not ended before its start.
    private func menteeMask() -> PersonMask {
        var mask = PersonMask(bits: [UInt64](repeating: 0, count: facts.persons.count), refs: [:])
        for mentee in facts.mentees {
            let end = facts.mentorshipEnd[Int(mentee.mentorship)]
            for (p, period) in periods.enumerated() where mentee.day <= period.lastDay && end >= period.firstDay {
                mask.bits[Int(mentee.person)] |= 1 << UInt64(p)
                if query.explain { mask.refs[UInt64(UInt32(mentee.person)) << 8 | UInt64(p), default: []].append(mentee.ref) }
            }
        }
        return mask
    }

    /// Enrolled students of p (in `grades`, and in `within` when given) with the mask's act, over those students;
    /// `countOnly` gives the numerator as a count.
    private func studentShare(grades: ClosedRange<Int32>?, _ mask: PersonMask, within: PersonMask? = nil,
                              countOnly: Bool = false) -> [Cell]
    {
        var numerators = [Int](repeating: 0, count: cellCount)
        var denominators = [Int](repeating: 0, count: cellCount)
        var numeratorRefs = [[Int32]](repeating: [], count: query.explain ? cellCount : 0)
        var denominatorRefs = numeratorRefs
        for row in rosterRows {
            if let grades, !grades.contains(row.grade) { continue }
            let p = row.period
            let person = row.person
            if let within, !within.has(person, p) { continue }
            let counted = mask.has(person, p)
            forEachScope(row.place, concerns: row.concerns, period: p) { cell in
                denominators[cell] += 1
                if counted { numerators[cell] += 1 }
                if query.explain {
                    denominatorRefs[cell] += within?.refs[row.key] ?? [facts.enrolments[Int(row.enrolment)].ref]
                    if counted { numeratorRefs[cell] += mask.refs[row.key] ?? [] }
                }
            }
        }
        return (0..<cellCount).map { cell in
            var result = countOnly
                ? Cell(value: Double(numerators[cell]))
                : Cell(value: denominators[cell] > 0 ? Double(numerators[cell]) / Double(denominators[cell]) : nil,
                       numerator: numerators[cell], denominator: denominators[cell])
            if query.explain {
                result.numeratorRefs = numeratorRefs[cell]
                if !countOnly { result.denominatorRefs = denominatorRefs[cell] }
            }
            return result
        }
    }

    /// Teachers of p (rule 6: by their organisation's municipality) with the mask's act in p, over teachers of p.
    private func teacherShare(_ mask: PersonMask, countOnly: Bool) -> [Cell] {
        let roles = Set([StaffRole.teacher, .navigator, .curator, .tutor].map { Int32(StaffRole.allCases.firstIndex(of: $0)!) })
        var numerators = [Int](repeating: 0, count: cellCount)
        var denominators = [Int](repeating: 0, count: cellCount)
        var numeratorRefs = [[Int32]](repeating: [], count: query.explain ? cellCount : 0)
        var denominatorRefs = numeratorRefs
        var seen = PairSet(rows: cellCount, columns: facts.persons.count)
        for registration in facts.staff where roles.contains(registration.kind) {
            let place = organisationPlace(registration.org) ?? registration.place
            for (p, period) in periods.enumerated() where registration.day <= period.lastDay {
                let counted = mask.has(registration.person, p)
                forEachScope(place, concerns: registration.org == organisation, period: p) { cell in
                    if query.explain { denominatorRefs[cell].append(registration.ref) }
                    guard seen.insert(cell, registration.person) else { return }
                    denominators[cell] += 1
                    if counted {
                        numerators[cell] += 1
                        if query.explain {
                            numeratorRefs[cell] += mask.refs[UInt64(UInt32(registration.person)) << 8 | UInt64(p)] ?? []
                        }
                    }
                }
            }
        }
        return (0..<cellCount).map { cell in
            var result = countOnly
                ? Cell(value: Double(numerators[cell]))
                : Cell(value: denominators[cell] > 0 ? Double(numerators[cell]) / Double(denominators[cell]) : nil,
                       numerator: numerators[cell], denominator: denominators[cell])
            if query.explain {
                result.numeratorRefs = numeratorRefs[cell]
                if !countOnly { result.denominatorRefs = denominatorRefs[cell] }
            }
            return result
        }
    }

    // MARK: - Event shares and means

    /// Events dated in p: (day, place, ref, in the denominator, in the numerator, concerns the organisation).
    private func eventShare(_ events: [(Int32, Place, Int32, Bool, Bool, Bool)]) -> [Cell] {
        var cells = [Cell](repeating: Cell(numerator: 0, denominator: 0), count: cellCount)
        for (day, place, ref, inDenominator, inNumerator, concerns) in events where inDenominator {
            guard let p = periodIndex(day) else { continue }
            forEachScope(place, concerns: concerns, period: p) { cell in
                cells[cell].denominator! += 1
                if query.explain { cells[cell].denominatorRefs.append(ref) }
                if inNumerator {
                    cells[cell].numerator! += 1
                    if query.explain { cells[cell].numeratorRefs.append(ref) }
                }
            }
        }
        for cell in 0..<cellCount where cells[cell].denominator! > 0 {
            cells[cell].value = Double(cells[cell].numerator!) / Double(cells[cell].denominator!)
        }
        return cells
    }

    private func satisfaction() -> [Cell] {
        let kinds = RespondentKind.allCases
        var sums = [[Int]](repeating: [Int](repeating: 0, count: kinds.count), count: cellCount)
        var counts = sums
        var refs = [[Int32]](repeating: [], count: query.explain ? cellCount : 0)
        for survey in facts.surveys {
            guard let p = periodIndex(survey.day) else { continue }
            let concerns = survey.respondent != IndicatorFacts.none && self.concerns(person: survey.respondent, day: survey.day)
            forEachScope(survey.place, concerns: concerns, period: p) { cell in
                sums[cell][Int(survey.kind)] += Int(survey.satisfaction)
                counts[cell][Int(survey.kind)] += 1
                if query.explain { refs[cell].append(survey.ref) }
            }
        }
        return (0..<cellCount).map { cell in
            let total = counts[cell].reduce(0, +)
            return Cell(
                value: total > 0 ? Double(sums[cell].reduce(0, +)) / Double(total) : nil,
                breakdown: kinds.enumerated().map { index, kind in
                    (kind.rawValue, counts[cell][index] > 0 ? Double(sums[cell][index]) / Double(counts[cell][index]) : nil)
                },
                numeratorRefs: query.explain ? refs[cell] : [])
        }
    }

    /// Rule 14: mean completeness at the end of p over enrolled students of p.
    private func completeness() -> [Cell] {
        var sums = [Int](repeating: 0, count: cellCount)
        var counts = [Int](repeating: 0, count: cellCount)
        var refs = [[Int32]](repeating: [], count: query.explain ? cellCount : 0)
        for row in rosterRows {
            let p = row.period
            let present = facts.facetDays[Int(row.person)].present(onOrBefore: periods[p].lastDay)
            forEachScope(row.place, concerns: row.concerns, period: p) { cell in
                sums[cell] += present
                counts[cell] += 1
                if query.explain { refs[cell].append(facts.enrolments[Int(row.enrolment)].ref) }
            }
        }
        return (0..<cellCount).map { cell in
            Cell(value: counts[cell] > 0 ? Double(sums[cell]) / 5 / Double(counts[cell]) : nil,
                 denominatorRefs: query.explain ? refs[cell] : [])
        }
    }
}
