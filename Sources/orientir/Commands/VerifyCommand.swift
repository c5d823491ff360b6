import ArgumentParser
import OrientirLog

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute every CRC and the hash chain; print the head hash and the count.",
        discussion: "Exit 0 when the store is sound; 5, naming the segment file and where, when it is not.")

    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let log = try FileLog(directory: try storeOptions.directory(), options: .reading)
        let report = try log.verify()
        print("sound: \(report.records) events in \(report.batches) batches, \(report.segments) segment(s)")
        print("head hash: \(report.headHash)")
    }
}
