import OrientirEvents
import OrientirIndicators
import OrientirLog
import OrientirProjections
import XCTest

/// A small log built line by line, with hand-computed indicators.
final class LogBuilder {
    let store = InMemoryStore(clock: { 0 })
    private var count = 0
    private var ids: [String] = []
    private let parser = EventParser()

    /// Appends one event; returns its id.
    @discardableResult
    func add(_ type: String, _ occurredAt: String, _ data: String, municipality: String = "penza") throws -> String {
        count += 1
        let id = String(format: "00000000-0000-4000-8000-%012d", count)
        let line = #"{"id":"\#(id)","type":"\#(type)","occurredAt":"\#(occurredAt)","region":"58","municipality":"\#(municipality)","data":{\#(data)}}"#
        let event = try parser.parse(line: line, lineNumber: count, file: "test")
        _ = try store.append([RecordDraft(id: event.id.bytes, stream: event.stream, payload: EventCodec.encode(event))])
        return id
    }

    func retract(_ id: String, at occurredAt: String = "2024-08-01T10:00:00+03:00") throws {
        try add("EventRetracted", occurredAt, #""eventId":"\#(id)","reason":"ошибка""#)
    }

    func facts(_ cut: Cut = .head) throws -> IndicatorFacts {
        let slot = ProjectionSlot<IndicatorFacts>()
        try ProjectionEngine(store: store).fold([slot], asOf: cut)
        return slot.state
    }
}

final class IndicatorsTests: XCTestCase {
    let y2023 = Period(academicStartYear: 2023)

    func row(_ facts: IndicatorFacts, _ indicator: Indicator, _ scope: Scope, _ period: Period? = nil) -> IndicatorRow {
        let rows = facts.indicators(IndicatorQuery(scope: scope, period: period ?? y2023, indicators: [indicator]))
        return rows[0]
    }

    /// Two schools: s1 in penza, s2 registered in kuz (its student enrolled with a penza envelope counts in kuz).
    func roster(_ log: LogBuilder) throws {
        try log.add("OrganisationRegistered", "2023-08-01T10:00:00+03:00", #""orgId":"s1","kind":"school","name":"Школа 1""#)
        try log.add("OrganisationRegistered", "2023-08-01T10:00:00+03:00", #""orgId":"s2","kind":"school","name":"Школа 2""#,
                    municipality: "kuz")
        try log.add("StudentEnrolled", "2023-09-01T09:00:00+03:00",
                    #""personId":"p1","schoolOrgId":"s1","grade":7,"academicYear":"2023-24""#)
        try log.add("StudentEnrolled", "2023-09-01T09:00:00+03:00",
                    #""personId":"p2","schoolOrgId":"s1","grade":9,"academicYear":"2023-24""#)
        try log.add("StudentEnrolled", "2023-09-01T09:00:00+03:00",
                    #""personId":"p3","schoolOrgId":"s2","grade":10,"academicYear":"2023-24""#)
    }

    func trial(_ log: LogBuilder, _ person: String, _ at: String) throws -> String {
        try log.add("CareerTrialCompleted", at, #""trialId":"t-\#(person)-\#(at.prefix(10))","personId":"\#(person)","professionCode":"cnc-operator","providerOrgId":"c1","mode":"on_site","hours":6,"outcome":"positive""#)
    }

    func testTrialSharesUseTheDateAsWrittenAndTheSchoolsMunicipality() throws {
        let log = LogBuilder()
        try roster(log)
        // 31 August in UTC, 1 September as written: 2024-25, not 2023-24.
        _ = try trial(log, "p1", "2024-09-01T01:30:00+03:00")
        _ = try trial(log, "p2", "2024-03-01T10:00:00+03:00")
        let facts = try log.facts()
        let penza = row(facts, .shareTrials6to11, .municipality("penza"))
        XCTAssertEqual(penza.numerator, 1)
        XCTAssertEqual(penza.denominator, 2)
        XCTAssertEqual(penza.value, 0.5)
        let kuz = row(facts, .shareTrials6to11, .municipality("kuz"))
        XCTAssertEqual(kuz.numerator, 0)
        XCTAssertEqual(kuz.denominator, 1)
        XCTAssertEqual(kuz.value, 0)
        let region = row(facts, .shareTrials6to11, .region("58"))
        XCTAssertEqual(region.denominator, 3)
        let grades78 = row(facts, .shareTrials7to8, .municipality("penza"))
        XCTAssertEqual(grades78.numerator, 0)
        XCTAssertEqual(grades78.denominator, 1)
        XCTAssertEqual(facts.periods.map(\.description), ["2022-23", "2023-24", "2024-25"])
        // 2024-25 has no roster: a share over zero students is null.
        let next = row(facts, .shareTrials6to11, .municipality("penza"), Period(academicStartYear: 2024))
        XCTAssertNil(next.value)
        XCTAssertEqual(next.denominator, 0)
        XCTAssertNil(next.met)
    }

    func testRetractionRemovesTheEventAtTheHeadButNotAsOfBefore() throws {
        let log = LogBuilder()
        try roster(log)
        let wrong = try trial(log, "p1", "2024-02-01T10:00:00+03:00")
        let before = try log.store.head().endPosition - 1
        try log.retract(wrong)
        let head = row(try log.facts(), .shareTrials6to11, .municipality("penza"))
        XCTAssertEqual(head.numerator, 0)
        let asOf = row(try log.facts(.position(before)), .shareTrials6to11, .municipality("penza"))
        XCTAssertEqual(asOf.numerator, 1)
        XCTAssertEqual(asOf.value, 0.5)
    }

    func testTeamResultsCreditOnlyMembersAtThatPoint() throws {
        let log = LogBuilder()
        try roster(log)
        try log.add("TeamRegistered", "2023-10-01T10:00:00+03:00",
                    #""teamId":"t1","schoolOrgId":"s1","season":"2023-24","line":"engineering","name":"Робо","memberIds":["p1"]"#)
        try log.add("CompetitionResultRecorded", "2023-11-01T10:00:00+03:00",
                    #""competitionId":"c","title":"Олимпиада","level":"regional","participantKind":"team","participantId":"t1","result":"winner","direction":"engineering","technical":true"#)
        try log.add("TeamMemberJoined", "2023-10-15T10:00:00+03:00", #""teamId":"t1","personId":"p2""#)
        let facts = try log.facts()
        let winners = row(facts, .shareTechnicalWinners, .municipality("penza"))
        XCTAssertEqual(winners.numerator, 1)
        XCTAssertEqual(winners.denominator, 2)
        XCTAssertEqual(winners.met, true)
        XCTAssertEqual(row(facts, .competitionParticipants, .municipality("penza")).value, 1)
        XCTAssertEqual(row(facts, .competitionPrizeShare, .municipality("penza")).value, 1)
        XCTAssertEqual(row(facts, .teamsRegistered, .municipality("penza")).value, 1)
        let complete = row(facts, .teamsComplete, .municipality("penza"))
        XCTAssertEqual(complete.value, 0)
        XCTAssertEqual(complete.denominator, 1)
        XCTAssertEqual(complete.met, false)
        // Own results only for the completeness facet.
        XCTAssertEqual(row(facts, .profileCompleteness, .municipality("penza")).value, 0)
    }

    func testAgreementsExpireByValidUntilAndStayEnded() throws {
        let log = LogBuilder()
        for org in ["c1", "c2", "c3"] {
            try log.add("OrganisationRegistered", "2023-08-01T10:00:00+03:00", #""orgId":"\#(org)","kind":"college","name":"Колледж""#)
        }
        try log.add("AgreementSigned", "2023-09-10T10:00:00+03:00",
                    #""agreementId":"a1","partnerOrgId":"c1","coordinatorOrgId":"s1","kind":"cooperation","validUntil":"2024-06-30""#)
        try log.add("AgreementSigned", "2023-09-10T10:00:00+03:00",
                    #""agreementId":"a2","partnerOrgId":"c2","coordinatorOrgId":"s1","kind":"cooperation""#)
        try log.add("AgreementSigned", "2023-09-10T10:00:00+03:00",
                    #""agreementId":"a3","partnerOrgId":"c3","coordinatorOrgId":"s1","kind":"cooperation","validUntil":"2024-08-31""#)
        try log.add("AgreementEnded", "2024-01-10T10:00:00+03:00", #""agreementId":"a2","partnerOrgId":"c2""#)
        try log.add("AgreementSigned", "2024-02-10T10:00:00+03:00",
                    #""agreementId":"a2","partnerOrgId":"c2","coordinatorOrgId":"s1","kind":"cooperation""#)
        let facts = try log.facts()
        let partners = row(facts, .partnersProfessional, .region("58"))
        XCTAssertEqual(partners.value, 1)  // only a3: a1 expired, a2 ended once and stays ended
        XCTAssertEqual(partners.target, Target(value: 5, isCount: true))
        XCTAssertEqual(partners.met, false)
        XCTAssertEqual(row(facts, .partnersProfessional, .organisation("c3")).value, 1)
    }

    func testTeachersCountedWhereTheirOrganisationIsAndZeroDenominatorsAreNull() throws {
        let log = LogBuilder()
        try roster(log)
        try log.add("StaffMemberRegistered", "2023-09-01T10:00:00+03:00", #""personId":"t1","orgId":"s1","role":"teacher""#,
                    municipality: "kuz")
        try log.add("StaffMemberRegistered", "2023-09-01T10:00:00+03:00", #""personId":"t2","orgId":"s2","role":"navigator""#)
        try log.add("StaffMemberRegistered", "2023-09-01T10:00:00+03:00", #""personId":"t3","orgId":"s1","role":"psychologist""#)
        try log.add("TeacherTrainingCompleted", "2024-03-01T10:00:00+03:00",
                    #""personId":"t1","kind":"cpd_course","hours":72,"priorityArea":true"#)
        try log.add("TeacherTrainingCompleted", "2024-03-01T10:00:00+03:00",
                    #""personId":"t2","kind":"internship","hours":36,"priorityArea":false"#)
        let facts = try log.facts()
        let cpd = row(facts, .shareTeachersCPDPriority, .municipality("penza"))
        XCTAssertEqual(cpd.numerator, 1)
        XCTAssertEqual(cpd.denominator, 1)
        XCTAssertEqual(cpd.met, true)
        XCTAssertEqual(row(facts, .shareTeachersCPDPriority, .municipality("kuz")).value, 0)
        let interned = row(facts, .teachersInterned, .municipality("penza"))
        XCTAssertEqual(interned.value, 1)
        XCTAssertEqual(interned.cumulative, 1)
        XCTAssertNil(interned.numerator)
        let sharing = row(facts, .shareTeachersSharing, .municipality("penza"))
        XCTAssertEqual(sharing.numerator, 0)
        XCTAssertEqual(sharing.denominator, 1)
        XCTAssertEqual(sharing.value, 0)
        let graduates = row(facts, .graduatesInRegion, .municipality("penza"))
        XCTAssertNil(graduates.value)
        XCTAssertEqual(graduates.denominator, 0)
        let satisfaction = row(facts, .satisfaction, .municipality("penza"))
        XCTAssertNil(satisfaction.value)
        XCTAssertEqual(satisfaction.breakdown?.count, 4)
    }

    func testRoutesMentoringProgrammesAndDemand() throws {
        let log = LogBuilder()
        try roster(log)
        try log.add("IndividualRouteSet", "2023-10-01T10:00:00+03:00",
                    #""personId":"p2","routeId":"r1","academicYear":"2023-24","targetProfessionCodes":[],"programmeIds":[]"#)
        try log.add("IndividualRouteSet", "2023-10-01T10:00:00+03:00",
                    #""personId":"p3","routeId":"r2","academicYear":"2024-25","targetProfessionCodes":[],"programmeIds":[]"#)
        try log.add("MentorshipStarted", "2022-10-01T10:00:00+03:00",
                    #""mentorshipId":"m1","mentorId":"t9","menteeKind":"person","menteeId":"p1","form":"teacher_student""#)
        try log.add("MentorshipEnded", "2023-09-15T10:00:00+03:00", #""mentorshipId":"m1","outcome":"completed""#)
        try log.add("ProgrammeLaunched", "2023-09-01T10:00:00+03:00",
                    #""programmeId":"g1","holderOrgId":"c1","kind":"network_programme","title":"Сеть","direction":"it","professionCodes":[],"isNew":true"#)
        try log.add("ProgrammeEnrolled", "2023-09-20T10:00:00+03:00", #""personId":"p2","programmeId":"g1""#)
        try log.add("StaffingDemandDeclared", "2023-09-01T10:00:00+03:00",
                    #""employerOrgId":"e1","professionCode":"welder","year":2024,"positions":3"#)
        try log.add("StaffingDemandDeclared", "2023-08-01T10:00:00+03:00",
                    #""employerOrgId":"e1","professionCode":"welder","year":2024,"positions":0"#)
        try log.add("StaffingDemandDeclared", "2023-08-01T10:00:00+03:00",
                    #""employerOrgId":"e2","professionCode":"welder","year":2024,"positions":2"#)
        let facts = try log.facts()
        let routes = row(facts, .shareRoutes8to11, .region("58"))
        XCTAssertEqual(routes.numerator, 1)
        XCTAssertEqual(routes.denominator, 2)
        let mentored = row(facts, .shareStudentsMentored, .municipality("penza"))
        XCTAssertEqual(mentored.numerator, 1)  // active on 2023-09-01…15
        let network = row(facts, .shareNetworkLearning, .municipality("penza"))
        XCTAssertEqual(network.value, 0.5)
        XCTAssertEqual(row(facts, .programmeHolders, .municipality("penza")).value, 1)
        XCTAssertEqual(row(facts, .programmeParticipants, .municipality("penza")).value, 1)
        let newProgrammes = row(facts, .newProgrammes, .municipality("penza"))
        XCTAssertEqual(newProgrammes.cumulative, 1)
        XCTAssertEqual(newProgrammes.met, false)
        // Greatest position wins: e1's last declaration says 0; only e2 has a deficit.
        XCTAssertEqual(row(facts, .employersWithDeficit, .municipality("penza")).value, 1)
        let json = IndicatorOutput.json(row(facts, .shareRoutes8to11, .municipality("penza")))
        XCTAssertEqual(json.rendered, #"{"indicator": "share_routes_8_11", "scope": {"kind": "municipality", "id": "penza"}, "period": "2023-24", "value": 1.0, "numerator": 1, "denominator": 1, "cumulative": null, "breakdown": null, "target": null, "met": null}"#)
    }

    func testEveryIndicatorGetsARowForEveryScopeAndPeriod() throws {
        let log = LogBuilder()
        try roster(log)
        let rows = try log.facts().indicators()
        // Scopes: region 58, penza, kuz; periods: 2022-23 (registrations), 2023-24.
        XCTAssertEqual(rows.count, Indicator.allCases.count * 3 * 2)
        let mentors = rows.first { $0.indicator == .mentorsByKind }!
        XCTAssertEqual(mentors.breakdown?.count, 8)
    }

    func testExplainNamesTheEvents() throws {
        let log = LogBuilder()
        try roster(log)
        let id = try trial(log, "p2", "2024-03-01T10:00:00+03:00")
        let facts = try log.facts()
        let rows = facts.indicators(IndicatorQuery(scope: .municipality("penza"), period: y2023,
                                                   indicators: [.shareTrials6to11], explain: true))
        XCTAssertEqual(rows[0].provenance?.numerator.map(\.id.description), [id])
        XCTAssertEqual(rows[0].provenance?.denominator.count, 2)
    }
}
