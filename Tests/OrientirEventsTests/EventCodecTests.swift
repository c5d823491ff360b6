import Testing
@testable import OrientirEvents

@Suite struct EventCodecTests {
    @Test(arguments: Fixtures.samples.map(\.line))
    func jsonAndBinaryRoundTrip(line: String) throws {
        let event = try Fixtures.event(line)
        #expect(event.ndjson() == line)
        #expect(try Fixtures.event(event.ndjson()) == event)
        let bytes = EventCodec.encode(event)
        #expect(bytes.first == EventCodec.formatVersion)
        let decoded = try EventCodec.decode(bytes, id: event.id)
        #expect(decoded == event)
        #expect(decoded.ndjson() == line)
    }

    @Test func equalJSONValuesEncodeIdentically() throws {
        let a = Fixtures.line(
            "ProjectScored", #"{"projectId":"p","teamId":"t","expertId":"e","round":1,"criteria":{"a":6,"b":4},"total":10}"#)
        let b = #"{ "data" : {"total":10.0,"criteria":{"b":4.0,"a":6e0},"round":1.0,"expertId":"e","teamId":"t","projectId":"p"}, "municipality":"penza","region":"58","occurredAt":"2024-03-14T10:00:00+03:00","source":"org-cto-penza","type":"ProjectScored","id":"5f0c8a9e-2b1d-4c55-9a51-0c7e3f0b9a10"}"#
        let first = try Fixtures.event(a)
        let second = try Fixtures.event(b)
        #expect(first == second)
        #expect(EventCodec.encode(first) == EventCodec.encode(second))
        #expect(second.ndjson() == a)
    }

    @Test func timestampsReproduceTheirText() throws {
        for text in ["2024-03-14T10:00:00Z", "1999-12-31T23:59:59.000-12:00", "2024-03-14T00:00:00.1234+05:45",
                     "0001-01-01T00:00:00+00:00", "2024-03-14T10:00:00-00:00"] {
            let line = Fixtures.samples[0].line.replacingOccurrences("2024-03-14T10:00:00+03:00", text)
            let event = try Fixtures.event(line)
            #expect(try EventCodec.decode(EventCodec.encode(event), id: event.id).occurredAt.text == text)
        }
    }

    @Test func rejectsDamagedPayloads() throws {
        let event = try Fixtures.event(Fixtures.samples[16].line)
        var bytes = EventCodec.encode(event)
        #expect(throws: EventCodecError.self) { try EventCodec.decode(Array(bytes.dropLast()), id: event.id) }
        bytes[0] = 9
        #expect(throws: EventCodecError.self) { try EventCodec.decode(bytes, id: event.id) }
    }

    @Test func generatedRegionRoundTrips() throws {
        // Strings with escapes and non-ASCII text survive both encodings.
        let line = Fixtures.line("AgreementEnded", #"{"agreementId":"a","partnerOrgId":"p","reason":"\"кавычки\" \\ \n\t\u0001 ✓"}"#)
        let event = try Fixtures.event(line)
        #expect(event.ndjson() == line)
        #expect(try EventCodec.decode(EventCodec.encode(event), id: event.id) == event)
    }
}
