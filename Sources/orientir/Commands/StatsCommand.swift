import ArgumentParser
import Foundation
import OrientirLog

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Events, batches, segments, bytes stored and the compression ratio.")

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    func run() throws {
        let report = try FileLog(directory: try storeOptions.directory(), options: .reading).stats()
        let perEvent = report.records == 0 ? 0 : Double(report.storedBytes) / Double(report.records)
        if json {
            print(
                "{\"events\":\(report.records),\"batches\":\(report.batches),\"segments\":\(report.segments),"
                    + "\"storedBytes\":\(report.storedBytes),\"uncompressedBytes\":\(report.uncompressedBytes),"
                    + "\"compressionRatio\":\(String(format: "%.3f", report.compressionRatio)),"
                    + "\"bytesPerEvent\":\(String(format: "%.2f", perEvent))}")
            return
        }
        print("events             \(report.records)")
        print("batches            \(report.batches)")
        print("segments           \(report.segments)")
        print("bytes stored       \(report.storedBytes)")
        print("bytes uncompressed \(report.uncompressedBytes)")
        print("compression ratio  \(String(format: "%.2f", report.compressionRatio))")
        print("bytes per event    \(String(format: "%.1f", perEvent))")
        if let first = report.firstRecordedAt, let last = report.lastRecordedAt {
            print("recorded           \(Instant.format(microseconds: first)) … \(Instant.format(microseconds: last))")
        }
    }
}
