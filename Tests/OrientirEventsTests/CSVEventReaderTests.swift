import Testing
@testable import OrientirEvents

@Suite struct CSVEventReaderTests {
    let header = "id,occurredAt,region,municipality,source,trialId,personId,professionCode,providerOrgId,mode,hours,outcome,externalScore,selfAssessment\r\n"
    let row = "5f0c8a9e-2b1d-4c55-9a51-0c7e3f0b9a10,2024-03-14T10:00:00+03:00,58,penza,org-cto-penza,tr-88121,p-000123,cnc-operator,org-col-0004,on_site,6,positive,82,4\r\n"

    @Test func rowsMatchTheirNDJSON() throws {
        let events = try CSVEventReader(type: .careerTrialCompleted).parse(header + row, file: "t.csv")
        #expect(events == [try Fixtures.event(Fixtures.samples.first { $0.type == .careerTrialCompleted }!.line)])
    }

    @Test func emptyCellsAreAbsentAndQuotesFollowRFC4180() throws {
        let text = "id,occurredAt,region,municipality,source,agreementId,partnerOrgId,reason\n"
            + "5f0c8a9e-2b1d-4c55-9a51-0c7e3f0b9a10,2024-03-14T10:00:00Z,58,penza,,a-1,org-1,\"сказал \"\"нет\"\",\nи всё\"\n"
            + "\n"
            + "6f0c8a9e-2b1d-4c55-9a51-0c7e3f0b9a10,2024-03-14T10:00:00Z,58,penza,,a-2,org-1,\n"
        let events = try CSVEventReader(type: .agreementEnded).parse(text, file: "a.csv")
        #expect(events.count == 2)
        guard case .agreementEnded(let first) = events[0].data, case .agreementEnded(let second) = events[1].data else {
            Issue.record("wrong type")
            return
        }
        #expect(first.reason == "сказал \"нет\",\nи всё")
        #expect(events[0].source == nil)
        #expect(second.reason == nil)
    }

    @Test func errorsNameFileLineFieldAndRule() throws {
        let reader = try CSVEventReader(type: .careerTrialCompleted)
        let bad = row.replacingOccurrences(",6,positive", ",0,positive")
        #expect(throws: EventValidationError.self) { try reader.parse(header + row + bad, file: "t.csv") }
        do {
            _ = try reader.parse(header + row + bad, file: "t.csv")
        } catch {
            #expect(error.description == "t.csv:3: data.hours: 0 must be greater than 0")
        }
        do {
            _ = try reader.parse(header + row.replacingOccurrences(",6,", ",six,"), file: "t.csv")
        } catch {
            #expect(error.description == #"t.csv:2: data.hours: "six" must be a number"#)
        }
        do {
            _ = try reader.parse("id,colour\n", file: "t.csv")
        } catch {
            #expect(error.description == "t.csv:1: colour: is not an envelope field or a field of CareerTrialCompleted")
        }
        do {
            _ = try reader.parse(header + "a,b\n", file: "t.csv")
        } catch {
            #expect(error.code == .malformedCSV)
            #expect(error.line == 2)
        }
    }

    @Test func listTypesAreNotCSV() {
        #expect(throws: EventValidationError.self) { try CSVEventReader(type: .teamRegistered) }
    }
}
