import Foundation
import XCTest

final class BenchSyncCommandTests: XCTestCase {
    /// `bench-sync` reports both rates of the machine's ceiling, for the sizes asked, and leaves no file behind.
    func testTheCeilingIsMeasuredForBothWaysAndTheFileIsRemoved() throws {
        let file = CLI.temporaryDirectory(self) + "-ceiling"
        let run = try CLI.run(["bench-sync", "--file", file, "--single-bytes", "300", "--group-bytes", "900",
                               "--appenders", "4", "--rounds", "20"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 3, run.stdout)
        XCTAssertTrue(lines[0].hasPrefix("single: ") && lines[0].hasSuffix("appends/s (300 B + fdatasync each)"), lines[0])
        XCTAssertTrue(lines[1].hasPrefix("group: ") && lines[1].contains("(4 tasks, 900 B + fdatasync per round)"), lines[1])
        XCTAssertTrue(lines[2].hasPrefix("rounds: 20; medians in µs: gather ") && lines[2].contains(" · write+fdatasync ")
                      && lines[2].contains(" · wake ") && lines[2].contains("; round "), lines[2])
        let rates = lines.prefix(2).map { Double($0.split(separator: " ")[1]) ?? 0 }
        XCTAssertTrue(rates.allSatisfy { $0 > 0 }, run.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: file))
    }

    /// With `--threads`, the group's appenders are threads; the report says so, and the file is gone afterwards.
    func testTheCeilingForThreadAppenders() throws {
        let file = CLI.temporaryDirectory(self) + "-ceiling-threads"
        let run = try CLI.run(["bench-sync", "--file", file, "--group-bytes", "700", "--appenders", "6",
                               "--rounds", "15", "--threads"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 3, run.stdout)
        XCTAssertTrue(lines[1].hasPrefix("group: ") && lines[1].contains("(6 threads, 700 B + fdatasync per round)"), lines[1])
        XCTAssertTrue(lines[2].hasPrefix("rounds: 15; medians in µs: gather "), lines[2])
        XCTAssertGreaterThan(Double(lines[1].split(separator: " ")[1]) ?? 0, 0, lines[1])
        XCTAssertFalse(FileManager.default.fileExists(atPath: file))
    }

    /// A file that cannot be created is named in the error; an existing file is refused and left as it was.
    func testAFileThatCannotBeCreatedIsNamedAndAnExistingOneIsLeftAlone() throws {
        let missing = CLI.temporaryDirectory(self) + "-missing/ceiling"
        let refused = try CLI.run(["bench-sync", "--file", missing, "--rounds", "2"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains(missing) && refused.stderr.contains("cannot create"), refused.stderr)

        let existing = CLI.temporaryDirectory(self) + "-existing"
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: existing))
        let kept = try CLI.run(["bench-sync", "--file", existing, "--rounds", "2"])
        XCTAssertEqual(kept.status, 1)
        XCTAssertTrue(kept.stderr.contains(existing) && kept.stderr.contains("File exists"), kept.stderr)
        XCTAssertEqual(try String(contentsOfFile: existing, encoding: .utf8), "keep me")
    }

    /// Counts and sizes below one are usage errors.
    func testCountsBelowOneAreRefused() throws {
        let run = try CLI.run(["bench-sync", "--file", CLI.temporaryDirectory(self), "--appenders", "0"])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("--appenders must be at least 1, not 0"), run.stderr)
    }

    /// `bench-append --round-timings` reports where the synced rounds spent their time: as many rounds as writes
    /// (one append per round for a lone appender in mode `always`), each step named; with no synced round, it says so.
    func testBenchAppendReportsItsRoundsStepByStep() throws {
        let store = CLI.temporaryDirectory(self)
        XCTAssertEqual(try CLI.run(["--store", store, "init"]).status, 0)
        let always = try CLI.run(["--store", store, "bench-append", "--records", "12", "--batch", "1",
                                  "--durability", "always", "--round-timings"])
        XCTAssertEqual(always.status, 0, always.stderr)
        let line = always.stderr.split(separator: "\n").first { $0.hasPrefix("rounds: ") }.map(String.init) ?? ""
        XCTAssertTrue(line.hasPrefix("rounds: 12, 1.0 appends each; medians in µs: gather "), always.stderr)
        for step in [" · judge ", " · layout ", " · write ", " · sync ", " · bookkeeping ", " · wake ", "; round "] {
            XCTAssertTrue(line.contains(step), "\(step) in \(line)")
        }
        let unsynced = try CLI.run(["--store", store, "bench-append", "--records", "100", "--batch", "50",
                                "--durability", "none", "--start", "100", "--round-timings"])
        XCTAssertEqual(unsynced.status, 0, unsynced.stderr)
        XCTAssertTrue(unsynced.stderr.contains("rounds: none synced, none timed"), unsynced.stderr)
    }
}
