import Foundation
import XCTest

/// Sealed personal data, erasure for real, retractions, dangling references, the synthetic region, CSV — through
/// the command line as a user runs it.
final class PersonalDataAndCorrectionsTests: XCTestCase {
    private let person = #"{"id":"00000000-0000-4000-8000-000000000001","type":"StudentEnrolled","occurredAt":"2023-09-01T09:00:00+03:00","region":"58","municipality":"penza","data":{"personId":"p-777","schoolOrgId":"org-sch-1","grade":8,"academicYear":"2023-24"}}"#
    private let personal = #"{"id":"00000000-0000-4000-8000-000000000002","type":"PersonalDataRecorded","occurredAt":"2023-09-01T09:05:00+03:00","region":"58","municipality":"penza","data":{"personId":"p-777","fullName":"Зиновьева Олеся Игоревна","birthDate":"2010-04-05","contact":"olesya.z@example.org"}}"#
    private let trial = #"{"id":"00000000-0000-4000-8000-000000000003","type":"CareerTrialCompleted","occurredAt":"2023-10-01T09:00:00+03:00","region":"58","municipality":"penza","data":{"trialId":"tr-1","personId":"p-777","professionCode":"welder","providerOrgId":"org-col-9","mode":"on_site","hours":4,"outcome":"positive"}}"#

    private func store(with lines: [String]) throws -> String {
        let store = CLI.temporaryDirectory(self)
        XCTAssertEqual(try CLI.run(["--store", store, "init"]).status, 0)
        let file = store + ".ndjson"
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: file) }
        let result = try CLI.run(["--store", store, "ingest", file])
        XCTAssertEqual(result.status, 0, result.stderr)
        return store
    }

    private func everyByte(under directory: String) throws -> Data {
        var all = Data()
        let walker = FileManager.default.enumerator(atPath: directory)!
        while let name = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = directory + "/" + name
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                all.append(try Data(contentsOf: URL(fileURLWithPath: path)))
            }
        }
        return all
    }

    func testPersonalDataIsSealedAtRestAndRevealedOnlyOnRequest() throws {
        let store = try store(with: [person, personal, trial])
        let name = Data("Зиновьева".utf8)
        XCTAssertNil(try everyByte(under: store).range(of: name), "the name is in no file in clear")
        let sealed = try CLI.run(["--store", store, "read", "--type", "PersonalDataRecorded"]).stdout
        XCTAssertTrue(sealed.contains(#""data":{"personId":"p-777","sealed":true}"#), sealed)
        let revealed = try CLI.run(["--store", store, "read", "--type", "PersonalDataRecorded", "--reveal-personal-data"])
        XCTAssertTrue(revealed.stdout.contains("Зиновьева Олеся Игоревна"), revealed.stdout + revealed.stderr)
        let again = try CLI.run(["--store", store, "ingest", store + ".ndjson"])
        XCTAssertTrue(again.stderr.contains("stored 0, duplicates skipped 3"), "re-sealed data is a repeat: \(again.stderr)")
    }

    func testForgetDestroysTheKeyForRealAndTheLogStillVerifies() throws {
        let store = try store(with: [person, personal, trial])
        let forget = try CLI.run(["--store", store, "forget", "p-777", "--reason", "заявление родителей"])
        XCTAssertEqual(forget.status, 0, forget.stderr)
        let bytes = try everyByte(under: store)
        XCTAssertNil(bytes.range(of: Data("Зиновьева".utf8)))
        XCTAssertNil(bytes.range(of: Data("olesya.z".utf8)))
        XCTAssertEqual(try CLI.run(["--store", store, "verify"]).status, 0)
        for flags in [[], ["--reveal-personal-data"]] {
            let read = try CLI.run(["--store", store, "read", "--type", "PersonalDataRecorded"] + flags).stdout
            XCTAssertTrue(read.contains(#""data":{"personId":"p-777","forgotten":true}"#), read)
            XCTAssertFalse(read.contains("Зиновьева"))
        }
        let erasure = try CLI.run(["--store", store, "read", "--type", "SubjectForgotten"]).stdout
        XCTAssertTrue(erasure.contains(#""personId":"p-777","reason":"заявление родителей""#), erasure)
        let again = try CLI.run(["--store", store, "ingest", store + ".ndjson"])
        XCTAssertEqual(again.status, 0, "the same events again are repeats, not new personal data: \(again.stderr)")
        var fresh = personal.replacingOccurrences(of: "000000000002", with: "000000000009")
        fresh = fresh.replacingOccurrences(of: "Олеся", with: "Ольга")
        let refused = try CLI.run(["--store", store, "append"], input: fresh)
        XCTAssertEqual(refused.status, 3)
        XCTAssertTrue(refused.stderr.contains("is forgotten"), refused.stderr)
    }

    func testRetractionsNameAStoredEventOnceAndNeverARetractionOrAnErasure() throws {
        let store = try store(with: [person, trial])
        let first = try CLI.run(["--store", store, "retract", "00000000-0000-4000-8000-000000000003", "--reason", "ошибка"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(first.stdout, "2\n")
        let twice = try CLI.run(["--store", store, "retract", "00000000-0000-4000-8000-000000000003", "--reason", "x"])
        XCTAssertEqual(twice.status, 3)
        XCTAssertTrue(twice.stderr.contains("is retracted already"), twice.stderr)
        let unknown = try CLI.run(["--store", store, "retract", "00000000-0000-4000-8000-0000000000ff", "--reason", "x"])
        XCTAssertEqual(unknown.status, 3)
        XCTAssertTrue(unknown.stderr.contains("is not a stored event"), unknown.stderr)
        let retraction = try CLI.run(["--store", store, "read", "--type", "EventRetracted"]).stdout
        let id = try XCTUnwrap(
            (try JSONSerialization.jsonObject(with: Data(retraction.utf8)) as? [String: Any])?["id"] as? String)
        let ofRetraction = try CLI.run(["--store", store, "retract", id, "--reason", "x"])
        XCTAssertTrue(ofRetraction.stderr.contains("is a retraction, which cannot be retracted"), ofRetraction.stderr)

        let file = store + "-more.ndjson"
        let retractInFile = #"{"id":"00000000-0000-4000-8000-000000000010","type":"EventRetracted","occurredAt":"2023-10-02T09:00:00+03:00","region":"58","municipality":"penza","data":{"eventId":"00000000-0000-4000-8000-000000000011","reason":"дубль"}}"#
        let target = trial.replacingOccurrences(of: "000000000003", with: "000000000011")
        try ([target, retractInFile].joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let sameFile = try CLI.run(["--store", store, "ingest", file])
        XCTAssertEqual(sameFile.status, 0, "a retraction may name an event earlier in the same file: \(sameFile.stderr)")
    }

    func testCheckCountsDanglingReferencesByType() throws {
        let store = try store(with: [person, trial])
        let check = try CLI.run(["--store", store, "check", "--list"])
        XCTAssertEqual(check.status, 0, check.stderr)
        XCTAssertTrue(check.stdout.contains("references: 4, dangling: 3"), check.stdout)
        XCTAssertTrue(check.stdout.contains(
            "CareerTrialCompleted data.professionCode -> unregistered profession: 1 reference(s) to 1 id(s)"), check.stdout)
        XCTAssertTrue(check.stdout.contains("StudentEnrolled data.schoolOrgId -> unregistered organisation"), check.stdout)
        XCTAssertFalse(check.stdout.contains("data.personId"), "p-777 is enrolled: \(check.stdout)")
    }

    func testGenerateIsDeterministicAndIngestible() throws {
        let a = CLI.temporaryDirectory(self) + "-a.ndjson", b = CLI.temporaryDirectory(self) + "-b.ndjson"
        XCTAssertEqual(try CLI.run(["generate", "--students", "60", "--seed", "3", "--out", a]).status, 0)
        XCTAssertEqual(try CLI.run(["generate", "--students", "60", "--seed", "3", "--out", b]).status, 0)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: a)), try Data(contentsOf: URL(fileURLWithPath: b)))
        let store = CLI.temporaryDirectory(self)
        XCTAssertEqual(try CLI.run(["--store", store, "init"]).status, 0)
        let ingest = try CLI.run(["--store", store, "ingest", a])
        XCTAssertEqual(ingest.status, 0, ingest.stderr)
        let types = try CLI.run(["--store", store, "read"]).stdout.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["type"] as? String
        }
        XCTAssertEqual(Set(types).count, 33, "every event type occurs")
    }

    func testCSVOfAFlatTypeIngestsLikeNDJSON() throws {
        let store = CLI.temporaryDirectory(self)
        XCTAssertEqual(try CLI.run(["--store", store, "init"]).status, 0)
        let csv = store + "-enrolled.csv"
        try """
        id,occurredAt,region,municipality,personId,schoolOrgId,grade,academicYear
        00000000-0000-4000-8000-000000000101,2023-09-01T09:00:00+03:00,58,penza,p-1,org-sch-1,7,2023-24
        00000000-0000-4000-8000-000000000102,2023-09-01T09:00:00+03:00,58,kuznetsk,p-2,org-sch-2,9,2023-24

        """.write(toFile: csv, atomically: true, encoding: .utf8)
        let result = try CLI.run(["--store", store, "ingest", "--type", "StudentEnrolled", csv])
        XCTAssertEqual(result.status, 0, result.stderr)
        let read = try CLI.run(["--store", store, "read"]).stdout
        XCTAssertTrue(read.contains(#""data":{"personId":"p-2","schoolOrgId":"org-sch-2","grade":9,"academicYear":"2023-24"}"#), read)
        try "id,occurredAt,region,municipality,personId,schoolOrgId,grade,academicYear\nx,y,58,penza,p,o,7,2023-24\n"
            .write(toFile: csv, atomically: true, encoding: .utf8)
        let bad = try CLI.run(["--store", store, "ingest", "--type", "StudentEnrolled", csv])
        XCTAssertEqual(bad.status, 3)
        XCTAssertTrue(bad.stderr.contains("\(csv):2: "), bad.stderr)
    }
}
