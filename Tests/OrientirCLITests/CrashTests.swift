import Foundation
import XCTest
@testable import OrientirLog

/// Kills a writing `orientir` process with SIGKILL at random moments and checks that every append it
/// acknowledged is in the log afterwards and that the log verifies.
final class CrashTests: XCTestCase {
    func testKilledWriterInAlwaysModeLosesNoAcknowledgedAppend() throws {
        try killRepeatedly(durability: "always", rounds: 8, appenders: 1)
    }

    func testKilledWriterInBatchModeLosesNoAcknowledgedAppend() throws {
        try killRepeatedly(durability: "batch", rounds: 8, appenders: 8)
    }

    private func killRepeatedly(durability: String, rounds: Int, appenders: Int) throws {
        let store = CLI.temporaryDirectory(self)
        XCTAssertEqual(try CLI.run(["--store", store, "init"]).status, 0)
        var generator = SystemRandomNumberGenerator()
        var acknowledged = Set<Int>()
        for round in 0..<rounds {
            let process = Process()
            process.executableURL = CLI.binary
            process.arguments = [
                "--store", store, "bench-append", "--records", "1000000", "--batch", "1", "--appenders", "\(appenders)",
                "--durability", durability, "--start", "\(round * 10_000_000)", "--print-acks",
            ]
            let out = Pipe()
            process.standardOutput = out
            process.standardError = Pipe()
            try process.run()
            let deadline = Date().addingTimeInterval(Double.random(in: 0.3...0.9, using: &generator))
            while Date() < deadline { usleep(5_000) }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let acks = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            for line in acks.split(separator: "\n") where line.hasPrefix("acked ") {
                if let n = Int(line.dropFirst(6)) { acknowledged.insert(n) }
            }

            let log = try FileLog(directory: store)
            var stored = Set<[UInt8]>()
            try log.read(.all) { stored.insert(Array($0.id)) }
            let missing = acknowledged.filter { !stored.contains(Self.id(of: $0)) }
            XCTAssertTrue(missing.isEmpty, "round \(round): \(missing.count) acknowledged appends lost")
            XCTAssertEqual(try log.verify().records, UInt64(stored.count))
            try log.close()
        }
        XCTAssertGreaterThan(acknowledged.count, rounds, "the writer got appends acknowledged before each kill")
    }

    /// The id `orientir bench-append` gives record `n` (see BenchAppendCommand.draft).
    static func id(of n: Int) -> [UInt8] {
        var id = [UInt8](repeating: 0, count: 16)
        var x = UInt64(n) &* 0x9E37_79B9_7F4A_7C15
        for i in 0..<16 {
            x ^= x >> 29; x &*= 0xBF58_476D_1CE4_E5B9
            id[i] = UInt8(truncatingIfNeeded: x >> 24)
        }
        return id
    }

    func testASecondWritingProcessIsRefusedWithAClearMessage() throws {
        let store = CLI.temporaryDirectory(self)
        XCTAssertEqual(try CLI.run(["--store", store, "init"]).status, 0)
        let writer = Process()
        writer.executableURL = CLI.binary
        writer.arguments = ["--store", store, "bench-append", "--records", "100000000", "--batch", "1",
                            "--durability", "always"]
        writer.standardError = Pipe()
        try writer.run()
        defer {
            kill(writer.processIdentifier, SIGKILL)
            writer.waitUntilExit()
        }
        // The writer has the lock once it has written its pid into LOCK.
        let pid = "\(writer.processIdentifier)"
        for _ in 0..<1000 where (try? String(contentsOfFile: store + "/LOCK", encoding: .utf8)) != pid {
            usleep(10_000)
        }
        let second = try CLI.run(["--store", store, "bench-append", "--records", "1"])
        XCTAssertEqual(second.status, 6)
        XCTAssertTrue(second.stderr.contains("open for writing by process \(writer.processIdentifier)"), second.stderr)
        XCTAssertTrue(second.stderr.contains("only one writer at a time"), second.stderr)
        XCTAssertEqual(try CLI.run(["--store", store, "verify"]).status, 0, "readers go on while it writes")
    }
}
