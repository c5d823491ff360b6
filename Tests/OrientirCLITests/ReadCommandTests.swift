import Foundation
import XCTest

final class ReadCommandTests: XCTestCase {
    /// A read at the head that had to fold events (no checkpoint, or one behind the log) leaves a checkpoint, and
    /// the next read starts from it with the same answer; a read with nothing to fold writes nothing.
    func testAReadThatFoldsLeavesACheckpointForTheNext() throws {
        let events = CLI.temporaryDirectory(self) + "-region.ndjson"
        XCTAssertEqual(try CLI.run(["generate", "--students", "40", "--seed", "5", "--out", events]).status, 0)
        let store = CLI.temporaryDirectory(self)
        XCTAssertEqual(try CLI.run(["--store", store, "init"]).status, 0)
        XCTAssertEqual(try CLI.run(["--store", store, "ingest", events]).status, 0)
        let projections = store + "/projections"
        XCTAssertFalse(FileManager.default.fileExists(atPath: projections))

        let cold = try CLI.run(["--store", store, "indicators", "--format", "json"])
        XCTAssertEqual(cold.status, 0, cold.stderr)
        let checkpoints = try FileManager.default.contentsOfDirectory(atPath: projections)
            .filter { $0.hasPrefix("indicators.v") && !$0.contains(".at-") }
        XCTAssertEqual(checkpoints.count, 1, "\(checkpoints)")
        let path = projections + "/" + checkpoints[0]
        let written = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as! Date

        let warm = try CLI.run(["--store", store, "indicators", "--format", "json"])
        XCTAssertEqual(warm.status, 0, warm.stderr)
        XCTAssertEqual(warm.stdout, cold.stdout)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date, written,
                       "nothing to fold: the checkpoint is left as it is")

        let person = try CLI.run(["--store", store, "read"]).stdout.split(separator: "\n").lazy.compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["data"] as? [String: Any]
        }.compactMap { $0["personId"] as? String }.first!
        let footprint = try CLI.run(["--store", store, "footprint", "person", person, "--format", "json"])
        XCTAssertEqual(footprint.status, 0, footprint.stderr)
        XCTAssertTrue(try FileManager.default.contentsOfDirectory(atPath: projections).contains {
            $0.hasPrefix("footprints.v") && !$0.contains(".at-")
        })
        let again = try CLI.run(["--store", store, "footprint", "person", person, "--format", "json"])
        XCTAssertEqual(again.stdout, footprint.stdout)
    }
}
