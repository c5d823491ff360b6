#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation
import OrientirLog

/// Appends synthetic records straight to the log: the raw write path, for benchmarks and crash tests.
struct BenchAppendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-append",
        abstract: "Append synthetic pre-encoded records to the log and report the rate (benchmarks, crash tests).")

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "Records per appender.")
    var records = 100_000

    @Option(help: "Payload bytes per record.")
    var size = 200

    @Option(help: "Records per append call.")
    var batch = 1000

    @Option(help: "Concurrent appenders (each a thread of its own).")
    var appenders = 1

    @Flag(help: "Appenders are tasks (as a server's request handlers are) using the log's async append, not threads.")
    var tasks = false

    @Option(help: "always | batch | none.")
    var durability: Durability = .none

    @Option(help: "First record number (ids are derived from it; reruns with the same numbers are no-ops).")
    var start = 0

    @Flag(help: "Print `acked N` on stdout for each acknowledged record number, as soon as it is acknowledged.")
    var printAcks = false

    @Flag(help: "Time each synced round of appends step by step, and report the medians (where a round spends its time).")
    var roundTimings = false

    func run() throws {
        let log = try FileLog(directory: try storeOptions.directory(), options: .init(durability: durability, timesRounds: roundTimings))
        // Every append is made before the clock starts (this measures the log, not the making of drafts), except
        // for crash tests (`--print-acks`), which need the first acknowledgements at once.
        let perAppender = records
        let appendsEach = (perAppender + batch - 1) / batch
        let plan: @Sendable (Int, Int) -> (first: Int, count: Int) = { [start, batch] a, j in
            let first = start + a * perAppender + j * batch
            return (first, min(batch, start + (a + 1) * perAppender - first))
        }
        // Every record its own payload and id, over 20,000 streams: nothing the log touches stays hot by reuse.
        let make: @Sendable ((first: Int, count: Int)) -> [RecordDraft] = { [size] plan in
            (plan.first..<plan.first + plan.count).map { Self.draft($0, size: size) }
        }
        let prebuilt: [[[RecordDraft]]]? =
            printAcks ? nil : (0..<appenders).map { a in (0..<appendsEach).map { make(plan(a, $0)) } }
        let lock = NSLock()
        nonisolated(unsafe) var failure: Error?
        let started = DispatchTime.now().uptimeNanoseconds
        if tasks {
            try runConcurrentTasks(appenders) { a in
                for j in 0..<appendsEach { _ = try await log.append(prebuilt?[a][j] ?? make(plan(a, j))) }
            }
        } else {
            let done = DispatchGroup()
            for a in 0..<appenders {
                done.enter()
                let thread = Thread { [printAcks] in
                    defer { done.leave() }
                    for j in 0..<appendsEach {
                        let plan = plan(a, j)
                        do {
                            _ = try log.append(prebuilt?[a][j] ?? make(plan))
                        } catch {
                            lock.withLock { failure = error }
                            return
                        }
                        if printAcks {
                            let text = (plan.first..<plan.first + plan.count).map { "acked \($0)\n" }.joined()
                            lock.withLock { _ = text.withCString { write(1, $0, strlen($0)) } }
                        }
                    }
                }
                thread.start()
            }
            done.wait()
        }
        if let failure { throw failure }
        // Every append was acknowledged durable (per the mode) when its call returned: the rate is up to the last
        // one. Closing (the writer state saved for the next open; in mode `none`, the one sync) is timed apart.
        let acknowledged = DispatchTime.now().uptimeNanoseconds
        try log.close()
        let closed = DispatchTime.now().uptimeNanoseconds
        let seconds = Double((durability == .none ? closed : acknowledged) - started) / 1e9
        withExtendedLifetime(prebuilt) {}  // freed after the clock, not by an appender thread inside it
        let total = records * appenders
        Diagnostics.note(String(format: "appended %d records of %d bytes in %.3f s: %.0f records/s (%@, %d appender %@); close %.1f ms",
                                total, size, seconds, Double(total) / seconds, durability.rawValue, appenders,
                                tasks ? "task(s)" : "thread(s)", Double(closed - acknowledged) / 1e6))
        if roundTimings { Diagnostics.note(Self.summary(of: log.roundTimings)) }
    }

    /// Where the timed rounds spent their time: the median of each step, and of the whole round, in µs.
    static func summary(of rounds: [FileLog.RoundTiming]) -> String {
        guard !rounds.isEmpty else { return "rounds: none synced, none timed" }
        func median(_ step: KeyPath<FileLog.RoundTiming, Int64>) -> String {
            medianMicroseconds(rounds.map { $0[keyPath: step] })
        }
        let appends = Double(rounds.reduce(0) { $0 + $1.appends }) / Double(rounds.count)
        return String(format: "rounds: %d, %.1f appends each; medians in µs: ", rounds.count, appends)
            + "gather \(median(\.gather)) · judge \(median(\.judge)) · layout \(median(\.layout)) · "
            + "write \(median(\.write)) · sync \(median(\.sync)) · bookkeeping \(median(\.bookkeeping)) · "
            + "wake \(median(\.wake)); round \(median(\.total))"
    }

    /// The 16-byte id of record `n`.
    static func id(_ n: Int) -> [UInt8] {
        var id = [UInt8](repeating: 0, count: 16)
        var x = UInt64(n) &* 0x9E37_79B9_7F4A_7C15
        for i in 0..<16 {
            x ^= x >> 29; x &*= 0xBF58_476D_1CE4_E5B9
            id[i] = UInt8(truncatingIfNeeded: x >> 24)
        }
        return id
    }

    /// Record `n`: a 16-byte id from n, a person stream, and a JSON-like payload that compresses like real events.
    static func draft(_ n: Int, size: Int) -> RecordDraft {
        let id = id(n)
        let person = n % 20_000
        var payload = Array(
            "{\"type\":\"CareerTrialCompleted\",\"occurredAt\":\"2024-03-\(10 + n % 18)T10:00:00+03:00\",\"municipality\":\"penza\",\"data\":{\"trialId\":\"tr-\(n)\",\"personId\":\"p-\(person)\",\"professionCode\":\"cnc-operator\",\"hours\":\(n % 12 + 1)}}"
                .utf8)
        while payload.count < size { payload.append(UInt8(ascii: "a") + UInt8(payload.count % 26)) }
        return RecordDraft(id: id, stream: "person-p-\(person)", payload: Array(payload.prefix(size)))
    }
}
