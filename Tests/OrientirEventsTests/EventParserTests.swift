import Testing
@testable import OrientirEvents

@Suite struct EventParserTests {
    let trial = #"{"trialId":"tr-1","personId":"p-1","professionCode":"welder","providerOrgId":"org-1","mode":"on_site","hours":6,"outcome":"positive"}"#

    func failure(_ line: String) -> EventValidationError? {
        do {
            _ = try EventParser().parse(line: line, lineNumber: 7, file: "f.ndjson")
            return nil
        } catch {
            return error
        }
    }

    func message(_ line: String) -> String { failure(line)?.description ?? "accepted" }

    func trialWith(_ replace: String, _ by: String) -> String {
        Fixtures.line("CareerTrialCompleted", trial.replacingOccurrences(replace, by))
    }

    @Test func acceptsTheSpecExample() throws {
        let event = try Fixtures.event(Fixtures.samples.first { $0.type == .careerTrialCompleted }!.line)
        guard case .careerTrialCompleted(let data) = event.data else { Issue.record("wrong type"); return }
        #expect(data.hours == 6)
        #expect(data.externalScore == 82)
        #expect(data.selfAssessment == 4)
        #expect(data.mode == .onSite)
        #expect(event.source == "org-cto-penza")
    }

    @Test func rangeMessages() {
        #expect(message(trialWith(#""hours":6"#, #""hours":0"#)) == "f.ndjson:7: data.hours: 0 must be greater than 0")
        #expect(message(trialWith(#""hours":6"#, #""hours":200.5"#)) == "f.ndjson:7: data.hours: 200.5 must be at most 200")
        #expect(message(trialWith(#""hours":6"#, #""hours":6,"externalScore":101"#))
            == "f.ndjson:7: data.externalScore: 101 must be at most 100")
        #expect(message(trialWith(#""hours":6"#, #""hours":6,"selfAssessment":0"#))
            == "f.ndjson:7: data.selfAssessment: 0 must be at least 1")
        let training = Fixtures.line(
            "TeacherTrainingCompleted", #"{"personId":"t-1","kind":"internship","hours":2001,"priorityArea":true}"#)
        #expect(message(training) == "f.ndjson:7: data.hours: 2001 must be at most 2000")
        #expect(failure(training)?.code == .outOfRange)
    }

    @Test func integersAsJSONSchemaCountsThem() throws {
        let six = trialWith(#""hours":6"#, #""hours":6,"selfAssessment":4.0"#)
        guard case .careerTrialCompleted(let data) = try Fixtures.event(six).data else { return }
        #expect(data.selfAssessment == 4)
        #expect(message(trialWith(#""hours":6"#, #""hours":6,"selfAssessment":4.5"#))
            == "f.ndjson:7: data.selfAssessment: 4.5 must be an integer")
        #expect(message(trialWith(#""hours":6"#, #""hours":6,"selfAssessment":40e-1"#)) == "accepted")
    }

    @Test func unknownTypeAndSchema() {
        let line = Fixtures.line("CareerTrialDone", trial)
        #expect(message(line) == #"f.ndjson:7: type: "CareerTrialDone" is not an event type"#)
        #expect(failure(line)?.code == .unknownEventType)
        let v2 = Fixtures.line("CareerTrialCompleted", trial).replacingOccurrences(#""schema":1"#, #""schema":2"#)
        #expect(message(v2) == "f.ndjson:7: schema: 2 is not a known version of CareerTrialCompleted (known: 1)")
        let noSchema = Fixtures.line("CareerTrialCompleted", trial).replacingOccurrences(#""schema":1,"#, "")
        #expect((try? Fixtures.event(noSchema))?.schema == 1)
    }

    @Test func requiredUnknownAndRepeatedFields() {
        #expect(message(trialWith(#""hours":6,"#, "")) == "f.ndjson:7: data.hours: required field is missing")
        #expect(message(trialWith(#""hours":6"#, #""hours":6,"minutes":5"#)) == "f.ndjson:7: data.minutes: unknown field")
        #expect(message(trialWith(#""hours":6"#, #""hours":6,"hours":6"#)) == "f.ndjson:7: data.hours: the key is repeated")
        let noRegion = Fixtures.line("CareerTrialCompleted", trial).replacingOccurrences(#""region":"58","#, "")
        #expect(message(noRegion) == "f.ndjson:7: region: required field is missing")
        let extra = Fixtures.line("CareerTrialCompleted", trial).replacingOccurrences(#""region":"58","#, #""region":"58","position":3,"#)
        #expect(message(extra) == "f.ndjson:7: position: unknown field")
        #expect(failure(extra)?.code == .unknownField)
    }

    @Test func nullAndWrongTypes() {
        #expect(message(trialWith(#""hours":6"#, #""hours":6,"programmeId":null"#))
            == "f.ndjson:7: data.programmeId: null is not allowed (an optional field is left out)")
        #expect(message(trialWith(#""hours":6"#, #""hours":"6""#)) == #"f.ndjson:7: data.hours: "6" must be a number"#)
        #expect(message(trialWith(#""personId":"p-1""#, #""personId":5"#)) == "f.ndjson:7: data.personId: 5 must be a string")
        let team = Fixtures.line(
            "TeamRegistered", #"{"teamId":"t","schoolOrgId":"s","season":"2023-24","line":"it","name":"N","memberIds":"p-1"}"#)
        #expect(message(team) == #"f.ndjson:7: data.memberIds: "p-1" must be an array"#)
    }

    @Test func enumsAndPatterns() {
        #expect(message(trialWith("on_site", "boat"))
            == #"f.ndjson:7: data.mode: "boat" is not one of on_site, at_employer, simulated or online"#)
        #expect(message(trialWith(#""personId":"p-1""#, #""personId":"p 1""#))
            == #"f.ndjson:7: data.personId: "p 1" does not match the id pattern ^[A-Za-z0-9._:-]{1,64}$"#)
        let long = String(repeating: "x", count: 65)
        #expect(failure(trialWith("tr-1", long))?.code == .patternMismatch)
        let advanced = Fixtures.line("TeamAdvanced", #"{"teamId":"t","toLevel":"galactic"}"#)
        #expect(failure(advanced)?.code == .unknownEnumValue)
        let project = Fixtures.line("ProjectSubmitted", #"{"projectId":"p","teamId":"t","title":"T","line":"medicine"}"#)
        #expect(message(project) == #"f.ndjson:7: data.line: "medicine" is not one of engineering, socio_economic, it or design"#)
        let region = Fixtures.line("CareerTrialCompleted", trial).replacingOccurrences(#""region":"58""#, #""region":"5""#)
        #expect(message(region) == #"f.ndjson:7: region: "5" does not match the region pattern ^[0-9]{2}$"#)
        let upperID = Fixtures.line("CareerTrialCompleted", trial).replacingOccurrences("5f0c8a9e", "5F0C8A9E")
        #expect(message(upperID) == #"f.ndjson:7: id: "5F0C8A9E-2b1d-4c55-9a51-0c7e3f0b9a10" is not a lowercase UUID"#)
        let muni = Fixtures.line("MunicipalityRegistered", #"{"municipalityId":"Penza","name":"P"}"#)
        #expect(failure(muni)?.code == .patternMismatch)
    }

    @Test func textLength() {
        let activity = { (title: String) in
            Fixtures.line("ActivityAttended", #"{"activityId":"a","personId":"p","kind":"camp","level":"school","title":""# + title + #""}"#)
        }
        #expect(message(activity("")) == "f.ndjson:7: data.title: must not be empty")
        #expect(message(activity(String(repeating: "я", count: 500))) == "accepted")
        #expect(message(activity(String(repeating: "я", count: 501)))
            == "f.ndjson:7: data.title: is 501 characters long, more than 500")
        #expect(message(activity(#"\u044f\ud83d\ude00"#)) == "accepted")
    }

    @Test func dateTimes() {
        let at = { (text: String) in
            Fixtures.line("CareerTrialCompleted", trial).replacingOccurrences("2024-03-14T10:00:00+03:00", text)
        }
        #expect(message(at("2024-02-30T10:00:00+03:00"))
            == #"f.ndjson:7: occurredAt: "2024-02-30T10:00:00+03:00" is not an RFC 3339 date-time: 2024-02-30 is not a calendar date"#)
        #expect(failure(at("2024-03-14 10:00:00+03:00"))?.code == .invalidDateTime)
        #expect(failure(at("2024-03-14T10:00:00"))?.code == .invalidDateTime)
        #expect(failure(at("2024-03-14T24:00:00Z"))?.code == .invalidDateTime)
        #expect(failure(at("2024-03-14T10:00:00+0300"))?.code == .invalidDateTime)
        #expect(failure(at("2024-03-14t10:00:00z"))?.code == .invalidDateTime)
        #expect(message(at("2024-02-29T10:00:00.123456789Z")) == "accepted")
        let agreement = Fixtures.line(
            "AgreementSigned", #"{"agreementId":"a","partnerOrgId":"p","coordinatorOrgId":"c","kind":"mentoring","validUntil":"2023-02-29"}"#)
        #expect(message(agreement) == #"f.ndjson:7: data.validUntil: "2023-02-29" is not a calendar date YYYY-MM-DD"#)
        let enrolled = Fixtures.line(
            "StudentEnrolled", #"{"personId":"p","schoolOrgId":"s","grade":9,"academicYear":"2023-25"}"#)
        #expect(message(enrolled)
            == #"f.ndjson:7: data.academicYear: "2023-25" is not an academic year YYYY-YY whose second part follows the first"#)
    }

    @Test func totalAndMembers() {
        let scored = { (total: String) in
            Fixtures.line(
                "ProjectScored",
                #"{"projectId":"p","teamId":"t","expertId":"e","round":1,"criteria":{"a":0.1,"b":0.2},"total":"# + total + "}")
        }
        #expect(message(scored("0.3")) == "accepted")
        #expect(message(scored("0.31")) == "f.ndjson:7: data.total: 0.31 is not the sum of criteria (0.30000000000000004)")
        #expect(failure(scored("0.31"))?.code == .totalMismatch)
        let team = { (members: String) in
            Fixtures.line(
                "TeamRegistered",
                #"{"teamId":"t","schoolOrgId":"s","season":"2023-24","line":"it","name":"N","memberIds":"# + members + "}")
        }
        #expect(message(team(#"["p-1","p-2","p-1"]"#)) == #"f.ndjson:7: data.memberIds: "p-1" is listed twice"#)
        #expect(message(team("[]")) == "f.ndjson:7: data.memberIds: must list at least one person")
        let route = Fixtures.line(
            "IndividualRouteSet",
            #"{"personId":"p","routeId":"r","academicYear":"2023-24","targetProfessionCodes":["a","a"],"programmeIds":[]}"#)
        #expect(message(route) == "accepted")
        let criteria = Fixtures.line(
            "ProjectScored", #"{"projectId":"p","teamId":"t","expertId":"e","round":1,"criteria":{"a":11},"total":11}"#)
        #expect(message(criteria) == "f.ndjson:7: data.criteria.a: 11 must be at most 10")
    }

    @Test func strictJSON() {
        let base = Fixtures.line("CareerTrialCompleted", trial)
        #expect(failure(String(base.dropLast()))?.code == .malformedJSON)
        #expect(failure(base + "x")?.code == .malformedJSON)
        #expect(failure(trialWith(#""hours":6"#, #""hours":06"#))?.code == .malformedJSON)
        #expect(failure(trialWith(#""hours":6"#, #""hours":6,"#))?.code == .malformedJSON)
        #expect(failure(trialWith("tr-1", #"tr\x"#))?.code == .malformedJSON)
        #expect(message(trialWith(#"{"trialId""#, #" { "trialId" "#)) == "accepted")
        var invalid = Array(base.utf8)
        let index = invalid.firstIndex(of: UInt8(ascii: "w"))!
        invalid[index] = 0xC0
        do {
            _ = try EventParser().parse(line: invalid, lineNumber: 3, file: "f.ndjson")
            Issue.record("accepted invalid UTF-8")
        } catch {
            #expect(error.code == .invalidUTF8)
            #expect(error.field == "data.professionCode")
        }
    }

    @Test func dataBeforeTypeIsAccepted() throws {
        let line = #"{"data":{"personId":"p-1","programmeId":"prg-1"},"id":"5f0c8a9e-2b1d-4c55-9a51-0c7e3f0b9a10","type":"ProgrammeEnrolled","occurredAt":"2024-03-14T10:00:00Z","region":"58","municipality":"penza"}"#
        #expect(try Fixtures.event(line).stream == "person-p-1")
    }
}

extension String {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
