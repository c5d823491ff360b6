import OrientirEvents
import OrientirFootprints
import OrientirLog
import OrientirProjections
import XCTest

final class PersonFootprintTests: XCTestCase {
    private var count = 0

    private func add(_ store: InMemoryStore, _ type: String, _ at: String, _ data: String) throws {
        count += 1
        let id = String(format: "00000000-0000-4000-8000-%012d", count)
        let line = #"{"id":"\#(id)","type":"\#(type)","occurredAt":"\#(at)","region":"58","municipality":"penza","data":{\#(data)}}"#
        let event = try EventParser().parse(line: line, lineNumber: count, file: "test")
        _ = try store.append([RecordDraft(id: event.id.bytes, stream: event.stream, payload: EventCodec.encode(event))])
    }

    func testPersonFootprintSummaryAndTimeline() throws {
        let store = InMemoryStore()
        try add(store, "StudentEnrolled", "2023-09-01T09:00:00+03:00", #""personId":"p1","schoolOrgId":"s1","grade":8,"academicYear":"2023-24""#)
        try add(store, "StudentEnrolled", "2024-09-01T09:00:00+03:00", #""personId":"p1","schoolOrgId":"s2","grade":9,"academicYear":"2024-25""#)
        try add(store, "CareerTrialCompleted", "2024-03-14T10:00:00+03:00", #""trialId":"tr1","personId":"p1","professionCode":"cnc-operator","providerOrgId":"c1","mode":"on_site","hours":6,"outcome":"positive""#)
        try add(store, "CareerTrialCompleted", "2024-04-14T10:00:00+03:00", #""trialId":"tr2","personId":"p1","professionCode":"cnc-operator","providerOrgId":"c1","mode":"on_site","hours":4,"outcome":"negative""#)
        try add(store, "ProgrammeCompleted", "2024-05-01T10:00:00+03:00", #""personId":"p1","programmeId":"g1","result":"withdrawn""#)
        try add(store, "IndividualRouteSet", "2023-10-01T10:00:00+03:00", #""personId":"p1","routeId":"r1","academicYear":"2023-24","targetProfessionCodes":[],"programmeIds":[]"#)
        try add(store, "IndividualRouteSet", "2023-11-01T10:00:00+03:00", #""personId":"p1","routeId":"r2","academicYear":"2023-24","targetProfessionCodes":[],"programmeIds":[]"#)
        try add(store, "CompetitionResultRecorded", "2024-02-01T10:00:00+03:00", #""competitionId":"c","title":"Олимпиада","level":"regional","participantKind":"person","participantId":"p1","result":"prize_winner","direction":"it","technical":true"#)
        try add(store, "MentorshipStarted", "2023-10-01T10:00:00+03:00", #""mentorshipId":"m1","mentorId":"t1","menteeKind":"person","menteeId":"p1","form":"teacher_student""#)
        try add(store, "PersonalDataRecorded", "2023-10-01T10:00:00+03:00", #""personId":"p1","fullName":"Иванов Иван""#)
        let slot = ProjectionSlot<SubjectIndex>()
        try ProjectionEngine(store: store).catchUp([slot], save: false)
        let footprint = PersonFootprint(personId: "p1", index: slot.state)
        XCTAssertEqual(footprint.summary.rendered, #"{"trials": 2, "professionsTried": 1, "programmesCompleted": 0, "competitionResults": 1, "bestLevel": "regional", "bestResult": "prize_winner", "mentorshipsAsMentee": 1, "completeness": 0.6, "grade": 9, "schoolOrgId": "s2", "routes": {"2023-24": "r2"}}"#)
        XCTAssertEqual(footprint.timeline.count, 10)
        XCTAssertEqual(footprint.timeline[2].summary, "Профпроба: cnc-operator, 6 ч, положительный результат")
        XCTAssertEqual(footprint.timeline.last?.summary, "Персональные данные (защищены)")
        XCTAssertFalse(footprint.json.rendered.contains("Иванов"))
        XCTAssertEqual(footprint.roles, ["student"])
    }
}
