import Foundation
import XCTest

final class IngestCommandTests: XCTestCase {
    private func freshStore() throws -> String {
        let store = CLI.temporaryDirectory(self)
        XCTAssertEqual(try CLI.run(["--store", store, "init"]).status, 0)
        return store
    }

    private func corpusLines() throws -> [String] {
        try String(contentsOf: CLI.validCorpus, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    private func write(_ lines: [String], _ name: String) throws -> String {
        let path = CLI.temporaryDirectory(self) + "-" + name
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testIngestStoresEveryEventInFileOrderAndReadGivesThemBack() throws {
        let store = try freshStore()
        let lines = try corpusLines()
        let result = try CLI.run(["--store", store, "ingest", CLI.validCorpus.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("stored \(lines.count), duplicates skipped 0, rejected 0"), result.stderr)
        let read = try CLI.run(["--store", store, "read"])
        let output = read.stdout.split(separator: "\n")
        XCTAssertEqual(output.count, lines.count)
        for (i, line) in output.enumerated() {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            XCTAssertEqual(object["position"] as? Int, i)
            XCTAssertNotNil(object["recordedAt"] as? String)
            XCTAssertNotNil(object["streamVersion"] as? Int)
            let original = try JSONSerialization.jsonObject(with: Data(lines[i].utf8)) as! [String: Any]
            XCTAssertEqual(object["id"] as? String, original["id"] as? String, "line \(i + 1) in file order")
            if original["type"] as? String != "PersonalDataRecorded" {
                XCTAssertEqual(object["data"] as? NSDictionary, original["data"] as? NSDictionary, "line \(i + 1)")
            }
        }
        XCTAssertEqual(try CLI.run(["--store", store, "verify"]).status, 0)
    }

    func testReingestingAFileAddsNothing() throws {
        let store = try freshStore()
        XCTAssertEqual(try CLI.run(["--store", store, "ingest", CLI.validCorpus.path]).status, 0)
        let before = try CLI.storeFiles(store)
        let again = try CLI.run(["--store", store, "ingest", CLI.validCorpus.path])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("stored 0, duplicates skipped \(try corpusLines().count)"), again.stderr)
        XCTAssertEqual(try CLI.storeFiles(store), before)
    }

    func testOneBadLineRejectsTheWholeFileAndLeavesTheStoreAsItWas() throws {
        let store = try freshStore()
        var lines = try corpusLines()
        XCTAssertEqual(try CLI.run(["--store", store, "ingest", try write(Array(lines.prefix(10)), "first.ndjson")]).status, 0)
        let before = try CLI.storeFiles(store)
        lines[40] = lines[40].replacingOccurrences(of: #""region":"#, with: #""regionn":"#)
        let bad = try write(lines, "bad.ndjson")
        let result = try CLI.run(["--store", store, "ingest", bad])
        XCTAssertEqual(result.status, 3)
        XCTAssertTrue(result.stderr.contains("\(bad):41: "), result.stderr)
        XCTAssertTrue(result.stderr.contains("regionn"), result.stderr)
        XCTAssertEqual(try CLI.storeFiles(store), before, "byte for byte as it was")
        XCTAssertEqual(try CLI.run(["--store", store, "verify"]).status, 0)
    }

    func testSkipBadStoresTheGoodLinesAndWritesTheBadOnesWithTheirErrors() throws {
        let store = try freshStore()
        var lines = try corpusLines()
        lines[3] = "{not json"
        lines[7] = lines[7].replacingOccurrences(of: #""type":""#, with: #""type":"X"#)
        let bad = try write(lines, "mixed.ndjson")
        let rejects = CLI.temporaryDirectory(self) + "-rejects.ndjson"
        let result = try CLI.run(["--store", store, "ingest", bad, "--skip-bad", "--rejects", rejects])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("stored \(lines.count - 2), duplicates skipped 0, rejected 2"), result.stderr)
        let rejected = try String(contentsOfFile: rejects, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(rejected.count, 2)
        let first = try JSONSerialization.jsonObject(with: Data(rejected[0].utf8)) as! [String: Any]
        XCTAssertEqual(first["line"] as? Int, 4)
        XCTAssertEqual(first["text"] as? String, "{not json")
        XCTAssertTrue((first["error"] as? String)?.hasPrefix("\(bad):4: ") ?? false)
        let second = try JSONSerialization.jsonObject(with: Data(rejected[1].utf8)) as! [String: Any]
        XCTAssertTrue((second["error"] as? String)?.contains("is not an event type") ?? false, "\(second)")
    }

    func testAppendHonoursExpectedVersionAndReportsConflicts() throws {
        let store = try freshStore()
        let event = #"{"id":"5f0c8a9e-2b1d-4c55-9a51-0c7e3f0b9a10","type":"CareerTrialCompleted","occurredAt":"2024-03-14T10:00:00+03:00","region":"58","municipality":"penza","data":{"trialId":"tr-88121","personId":"p-000123","professionCode":"cnc-operator","providerOrgId":"org-col-0004","mode":"on_site","hours":6,"outcome":"positive"}}"#
        let first = try CLI.run(["--store", store, "append", "--expected-version", "none"], input: event)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(first.stdout, "0\n")
        let repeated = try CLI.run(["--store", store, "append"], input: event)
        XCTAssertEqual(repeated.stdout, "0\n", "same id, same content: the original position")
        let changed = event.replacingOccurrences(of: #""hours":6"#, with: #""hours":7"#)
        XCTAssertEqual(try CLI.run(["--store", store, "append"], input: changed).status, 4)
        let other = event.replacingOccurrences(of: "5f0c8a9e", with: "6f0c8a9e")
        let stale = try CLI.run(["--store", store, "append", "--expected-version", "3"], input: other)
        XCTAssertEqual(stale.status, 4)
        XCTAssertTrue(stale.stderr.contains("stream person-p-000123 is at version 0, expected version 3"), stale.stderr)
        XCTAssertEqual(try CLI.run(["--store", store, "append", "--expected-version", "0"], input: other).stdout, "1\n")
        let read = try CLI.run(["--store", store, "read", "--stream", "person-p-000123", "--type", "CareerTrialCompleted"])
        XCTAssertEqual(read.stdout.split(separator: "\n").count, 2)
    }

    func testVerifyAndCheckpointOnTheCommandLine() throws {
        let store = try freshStore()
        XCTAssertEqual(try CLI.run(["--store", store, "ingest", CLI.validCorpus.path]).status, 0)
        let verify = try CLI.run(["--store", store, "verify"])
        XCTAssertEqual(verify.status, 0)
        XCTAssertTrue(verify.stdout.contains("head hash: "), verify.stdout)
        let checkpoint = CLI.temporaryDirectory(self) + "-checkpoint.json"
        XCTAssertEqual(try CLI.run(["--store", store, "checkpoint", "write", "--out", checkpoint]).status, 0)
        let key = try CLI.run(["--store", store, "checkpoint", "key"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let verified = try CLI.run(["--store", store, "checkpoint", "verify", checkpoint, "--public-key", key])
        XCTAssertEqual(verified.status, 0, verified.stderr)

        let segment = store + "/00000000000000000000.log"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: segment))
        bytes[200] ^= 0x04
        try bytes.write(to: URL(fileURLWithPath: segment))
        let broken = try CLI.run(["--store", store, "verify"])
        XCTAssertEqual(broken.status, 5)
        XCTAssertTrue(broken.stderr.contains(segment), broken.stderr)
        XCTAssertTrue(broken.stderr.contains("byte 0"), broken.stderr)
        XCTAssertEqual(try CLI.run(["--store", store, "checkpoint", "verify", checkpoint]).status, 5)
    }
}
