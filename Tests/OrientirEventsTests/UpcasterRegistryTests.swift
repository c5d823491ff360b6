import Testing
@testable import OrientirEvents

@Suite struct UpcasterRegistryTests {
    /// A test-only version 2 of `CareerTrialCompleted`: duration in minutes instead of hours.
    struct CareerTrialV2: Equatable {
        let personId: String
        let minutes: Double

        init?(_ data: VersionedData) {
            guard data.type == .careerTrialCompleted, data.version == 2,
                case .string(let personId)? = data.data["personId"], case .number(let minutes)? = data.data["minutes"],
                data.data["hours"] == nil
            else { return nil }
            self.personId = personId
            self.minutes = minutes
        }
    }

    @Test func storedVersion1IsReadThroughVersion2() throws {
        var registry = UpcasterRegistry()
        registry.register(.careerTrialCompleted, from: 1) { data in
            var data = data
            if case .number(let hours)? = data.removeValue(forKey: "hours") { data["minutes"] = .number(hours * 60) }
            return data
        }
        #expect(registry.latestVersion(of: .careerTrialCompleted) == 2)
        #expect(registry.latestVersion(of: .studentEnrolled) == 1)
        #expect(UpcasterRegistry.catalog.latestVersion(of: .careerTrialCompleted) == 1)

        let stored = try Fixtures.event(Fixtures.samples.first { $0.type == .careerTrialCompleted }!.line)
        let bytes = EventCodec.encode(stored)
        let read = try EventCodec.decode(bytes, id: stored.id)
        #expect(read.schema == 1)
        let current = try registry.upcast(read)
        #expect(current.version == 2)
        #expect(CareerTrialV2(current) == CareerTrialV2(personId: "p-000123", minutes: 360))
    }

    @Test func jsonValueParsesStrictly() throws {
        #expect(try JSONValue(parsing: #"{"b":[1,2.5,true,null],"a":"x"}"#).jsonText == #"{"a":"x","b":[1,2.5,true,null]}"#)
        #expect(throws: EventValidationError.self) { try JSONValue(parsing: #"{"a":1,"a":2}"#) }
    }
}

extension UpcasterRegistryTests.CareerTrialV2 {
    init(personId: String, minutes: Double) {
        self.personId = personId
        self.minutes = minutes
    }
}
