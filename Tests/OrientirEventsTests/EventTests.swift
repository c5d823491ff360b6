import Testing
@testable import OrientirEvents

@Suite struct EventTests {
    @Test func everyTypeHasASample() {
        #expect(Set(Fixtures.samples.map(\.type)) == Set(EventType.allCases))
        #expect(EventType.allCases.count == 33)
    }

    @Test(arguments: Fixtures.samples.map(\.line))
    func streamFollowsTheCatalog(line: String) throws {
        let sample = Fixtures.samples.first { $0.line == line }!
        let event = try Fixtures.event(line)
        #expect(event.type == sample.type)
        #expect(event.stream == sample.stream)
    }

    @Test func competitionResultOfAPersonIsInThePersonStream() throws {
        let line = Fixtures.line(
            "CompetitionResultRecorded",
            #"{"competitionId":"c-1","title":"НТО","level":"federal","participantKind":"person","participantId":"p-9","result":"winner","direction":"it","technical":false}"#)
        #expect(try Fixtures.event(line).stream == "person-p-9")
    }

    @Test func timestampKeepsItsTextAndLocalDate() throws {
        let timestamp = try #require(Timestamp("2024-08-31T23:30:00.050-02:30"))
        #expect(timestamp.text == "2024-08-31T23:30:00.050-02:30")
        #expect(timestamp.localDate == LocalDate(year: 2024, month: 8, day: 31))
        #expect(timestamp.localDate.academicYear == AcademicYear("2023-24"))
        #expect(timestamp.epochMicroseconds == 1_725_156_000_050_000)  // 2024-09-01T02:00:00.05Z
        #expect(Timestamp("2024-03-14T10:00:00Z")?.text == "2024-03-14T10:00:00Z")
        #expect(Timestamp("2024-03-14T10:00:00-00:00")?.text == "2024-03-14T10:00:00-00:00")
    }

    @Test func academicYears() {
        #expect(AcademicYear("2023-24")?.startYear == 2023)
        #expect(AcademicYear("2099-00")?.description == "2099-00")
        #expect(AcademicYear("2023-25") == nil)
        #expect(AcademicYear(containing: LocalDate(year: 2024, month: 9, day: 1)!).description == "2024-25")
        #expect(AcademicYear(containing: LocalDate(year: 2024, month: 8, day: 31)!).description == "2023-24")
        #expect(LocalDate("2024-02-29")! < LocalDate("2024-03-01")!)
        #expect(LocalDate("2023-02-29") == nil)
    }

    @Test func eventIDRoundTrips() throws {
        let id = try #require(EventID("5f0c8a9e-2b1d-4c55-9a51-0c7e3f0b9a10"))
        #expect(id.description == "5f0c8a9e-2b1d-4c55-9a51-0c7e3f0b9a10")
        #expect(id.bytes.count == 16)
        #expect(EventID(bytes: id.bytes) == id)
        #expect(EventID("5F0C8A9E-2B1D-4C55-9A51-0C7E3F0B9A10") == nil)
    }
}
