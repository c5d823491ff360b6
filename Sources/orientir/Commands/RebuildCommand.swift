#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation
import OrientirEvents
import OrientirFootprints
import OrientirIndicators
import OrientirLog
import OrientirProjections

/// `orientir rebuild [NAME…]`: folds read models from zero, writes their checkpoints, prints the throughput.
struct RebuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild read models from zero and write their checkpoints.",
        discussion: "Names: \(ReadModels.names.joined(separator: ", ")) (default: all).")

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "Read models to rebuild.")
    var names: [String] = []

    @Option(name: .long, help: "Leave a periodic snapshot every N positions (for fast as-of reads).")
    var snapshotEvery: UInt64 = 100_000

    func run() throws {
        let directory = try storeOptions.directory()
        let wanted = names.isEmpty ? ReadModels.names : names
        for name in wanted where !ReadModels.names.contains(name) {
            throw CommandFailure("no read model named \(name) (known: \(ReadModels.names.joined(separator: ", ")))",
                                 status: .usage)
        }
        var engine = try ReadModels.engine(directory)
        engine.snapshotInterval = snapshotEvery
        let targets: [any FoldTarget] = wanted.map { name -> any FoldTarget in
            name == SubjectIndex.name ? ProjectionSlot<SubjectIndex>() : ProjectionSlot<IndicatorFacts>()
        }
        let terminal = Diagnostics.stderrIsTerminal
        let report = try engine.rebuild(targets) { done, total in
            guard terminal, total > 0 else { return }
            let width = 24
            let filled = Int(Double(done) / Double(total) * Double(width))
            Diagnostics.progress("rebuild " + String(repeating: "█", count: filled)
                + String(repeating: "·", count: width - filled) + " \(done * 100 / total)%")
        }
        if terminal { Diagnostics.progress("") }
        Diagnostics.note("rebuilt \(wanted.joined(separator: ", ")): \(report.records) events in "
            + String(format: "%.2f", report.seconds) + " s, " + String(Int(report.eventsPerSecond)) + " events/s")
        Diagnostics.exitLeavingMemoryToTheSystem()
    }
}

/// The read models the CLI knows, and how commands fold them from a store.
enum ReadModels {
    static let names = [SubjectIndex.name, IndicatorFacts.name]

    static func engine(_ directory: String) throws -> ProjectionEngine {
        let log = try FileLog(directory: directory, options: .reading)
        return ProjectionEngine(store: log, snapshots: SnapshotDirectory(store: directory))
    }

    /// Folds one projection as of the cut: at the head from its checkpoint (leaving a new one when events had to
    /// be folded since), else from the nearest valid snapshot.
    static func fold<P: Projection>(_ type: P.Type, directory: String, cut: Cut) throws -> (P, FoldPoint) {
        let engine = try engine(directory)
        let slot = ProjectionSlot<P>()
        if cut == .head {
            let report = try engine.catchUp([slot], save: false)
            // A read that had to fold events leaves a checkpoint for the next one (a courtesy: a store this user
            // cannot write to is still read).
            if report.records > 0 { try? engine.checkpoint([slot]) }
        } else {
            try engine.fold([slot], asOf: cut)
        }
        return (slot.state, slot.point)
    }
}

/// `--as-of-position N` / `--as-of-time T`, shared by the read commands.
struct AsOfOptions: ParsableArguments {
    @Option(name: .long, help: "Fold positions 0…N only.")
    var asOfPosition: UInt64?

    @Option(name: .long, help: "Fold the positions recorded at or before T (RFC 3339).")
    var asOfTime: String?

    func cut() throws -> Cut {
        switch (asOfPosition, asOfTime) {
        case (let position?, nil): return .position(position)
        case (nil, let time?):
            guard let instant = Timestamp(time) else {
                throw CommandFailure("--as-of-time: \(time) is not an RFC 3339 date-time", status: .usage)
            }
            return .recordedAt(instant.epochMicroseconds)
        case (nil, nil): return .head
        default: throw CommandFailure("give --as-of-position or --as-of-time, not both", status: .usage)
        }
    }
}

extension Diagnostics {
    /// Redraws one progress line on stderr.
    static func progress(_ text: String) {
        let line = "\r\u{1B}[K" + text
        _ = line.withCString { write(2, $0, strlen($0)) }
    }
}
