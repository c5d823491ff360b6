import Foundation
import Testing
@testable import OrientirEvents

/// ``EventCodec/encode(line:)`` against the parser: the same lines accepted, the same bytes and stream.
@Suite struct EventCodecNDJSONTests {
    private static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/events")

    private static func lines(_ name: String) -> [String] {
        let text = try! String(contentsOf: fixtures.appendingPathComponent(name), encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            .filter { !$0.isEmpty }
    }

    /// The valid corpus, the samples and a generated region (every type, optional fields in and out of order).
    static let validLines: [String] = {
        var lines = Self.lines("valid.ndjson") + Fixtures.samples.map(\.line)
        RegionGenerator(seed: 7, students: 300).write { lines.append($0) }
        return lines
    }()

    private func encoded(_ line: String) -> EncodedLine? { encoded(Array(line.utf8)) }

    private func encoded(_ line: [UInt8]) -> EncodedLine? {
        line.withUnsafeBytes { EventCodec.encode(line: $0) }
    }

    private func parsed(_ line: String) -> Event? { parsed(Array(line.utf8)) }

    private func parsed(_ line: [UInt8]) -> Event? {
        try? EventParser().parse(line: line, lineNumber: 1, file: "test.ndjson")
    }

    /// The encoder either declines `line` or agrees with the parser byte for byte.
    private func expectAgreement(_ line: String, sourceLocation: SourceLocation = #_sourceLocation) {
        expectAgreement(Array(line.utf8), sourceLocation: sourceLocation)
    }

    private func expectAgreement(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        let line = String(decoding: bytes, as: UTF8.self)
        guard let encoded = encoded(bytes) else { return }
        guard let event = parsed(bytes) else {
            Issue.record("encoded a line the parser rejects: \(line)", sourceLocation: sourceLocation)
            return
        }
        #expect(encoded.payload == EventCodec.encode(event), "\(line)", sourceLocation: sourceLocation)
        #expect(encoded.stream == event.stream, "\(line)", sourceLocation: sourceLocation)
        #expect(encoded.id == event.id, sourceLocation: sourceLocation)
        #expect(encoded.type == event.type, sourceLocation: sourceLocation)
    }

    @Test func encodesValidLinesAsTheParsedEvent() {
        var declined: [String] = []
        for line in Self.validLines {
            guard encoded(line) != nil else {
                declined.append(line)
                continue
            }
            expectAgreement(line)
        }
        // Only the documented cases are left to the parser.
        for line in declined {
            #expect(line.contains("\\") || line.contains(#""type":"ProjectScored""#), "declined: \(line)")
        }
        #expect(declined.count < Self.validLines.count / 50)
    }

    @Test func coversEveryTypeButProjectScored() {
        let types = Set(Self.validLines.compactMap { encoded($0)?.type })
        #expect(types == Set(EventType.allCases).subtracting([.projectScored]))
    }

    @Test func declinesEveryInvalidLine() {
        let invalid = Self.lines("invalid.ndjson")
        #expect(!invalid.isEmpty)
        for line in invalid {
            #expect(parsed(line) == nil)
            #expect(encoded(line) == nil, "\(line)")
        }
    }

    @Test func keyOrderAndSpacingDoNotChangeTheBytes() throws {
        let canonical = Fixtures.line(
            "CareerTrialCompleted",
            #"{"trialId":"tr-1","personId":"p-1","professionCode":"welder","providerOrgId":"org-1","mode":"on_site","hours":6,"outcome":"positive","externalScore":82.5,"selfAssessment":4}"#)
        let shuffled = #" { "type":"CareerTrialCompleted", "data" : { "selfAssessment" : 4.0 , "hours" : 6e0, "externalScore":82.5,"outcome":"positive","mode":"on_site","providerOrgId":"org-1","professionCode":"welder","personId":"p-1","trialId":"tr-1" } , "source":"org-cto-penza","municipality":"penza","region":"58","occurredAt":"2024-03-14T10:00:00+03:00","schema":1,"id":"5f0c8a9e-2b1d-4c55-9a51-0c7e3f0b9a10" } "#
        let first = try #require(encoded(canonical))
        let second = try #require(encoded(shuffled))
        #expect(first.payload == second.payload)
        expectAgreement(canonical)
        expectAgreement(shuffled)
    }

    @Test func leavesTheDocumentedCasesToTheParser() {
        let escaped = Fixtures.line("AgreementEnded", #"{"agreementId":"a","partnerOrgId":"p","reason":"\"кавычки\""}"#)
        let dataFirst = #"{"data":{"personId":"p-1","programmeId":"prg-1"},"id":"5f0c8a9e-2b1d-4c55-9a51-0c7e3f0b9a10","type":"ProgrammeEnrolled","occurredAt":"2024-03-14T10:00:00Z","region":"58","municipality":"penza"}"#
        for line in [escaped, dataFirst] {
            #expect(parsed(line) != nil)
            #expect(encoded(line) == nil)
        }
    }

    @Test func listsAndMaps() {
        let members = (1...16).map { "\"p-\($0)\"" }.joined(separator: ",")
        let lines = [
            Fixtures.line("TeamRegistered", #"{"teamId":"t","schoolOrgId":"s","season":"2023-24","line":"it","name":"n","memberIds":[\#(members)]}"#),
            Fixtures.line("TeamRegistered", #"{"teamId":"t","schoolOrgId":"s","season":"2023-24","line":"it","name":"n","memberIds":["p-1","p-2","p-1"]}"#),
            Fixtures.line("TeamRegistered", #"{"teamId":"t","schoolOrgId":"s","season":"2023-24","line":"it","name":"n","memberIds":[]}"#),
            Fixtures.line("ExpertRegistered", #"{"personId":"e-1","directions":[]}"#),
            Fixtures.line("ExpertRegistered", #"{"personId":"e-1","directions":["it","it","arts"]}"#),
            Fixtures.line("ExpertRegistered", #"{"personId":"e-1","directions":["it",]}"#),
            Fixtures.line("DiagnosticCompleted", #"{"personId":"p-1","instrument":"i","interests":{}}"#),
            Fixtures.line("DiagnosticCompleted", #"{"personId":"p-1","instrument":"i","interests":{"other":0,"arts":100,"it":0.5}}"#),
            Fixtures.line("DiagnosticCompleted", #"{"personId":"p-1","instrument":"i","interests":{"it":1,"it":2}}"#),
            Fixtures.line("DiagnosticCompleted", #"{"personId":"p-1","instrument":"i","interests":{"it":101}}"#),
            Fixtures.line("IndividualRouteSet", #"{"personId":"p-1","routeId":"r","academicYear":"2023-24","targetProfessionCodes":[ "a" , "b" ],"programmeIds":[],"navigatorId":"t-1"}"#),
        ]
        for line in lines {
            #expect((encoded(line) == nil) == (parsed(line) == nil), "\(line)")
            expectAgreement(line)
        }
    }

    /// Damaged copies of valid lines: whatever the encoder accepts, the parser accepts with the same bytes.
    @Test func agreesWithTheParserOnDamagedLines() {
        var random = RegionGenerator.SplitMix64(seed: 11)
        let pieces: [[UInt8]] = [
            "\"", ",", ":", "{", "}", "[", "]", " ", "0", "-1", "1e400", "null", "true", "\\", "x", "é", "\u{1}",
            "\"\"", "2.5", "\"it\"", "\"p-1\"",
        ].map { Array($0.utf8) } + [[0xFF], [0xC3], [0xED, 0xA0, 0x80]]
        for line in Self.validLines.prefix(400) {
            let bytes = Array(line.utf8)
            for _ in 0..<20 {
                var damaged = bytes
                let at = Int(random.next() % UInt64(damaged.count))
                switch random.next() % 3 {
                case 0: damaged.remove(at: at)
                case 1: damaged.insert(contentsOf: pieces[Int(random.next() % UInt64(pieces.count))], at: at)
                default:
                    let length = min(damaged.count - at, Int(random.next() % 6) + 1)
                    damaged.replaceSubrange(at..<at + length, with: pieces[Int(random.next() % UInt64(pieces.count))])
                }
                expectAgreement(damaged)
            }
        }
    }
}

