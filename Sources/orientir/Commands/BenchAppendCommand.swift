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

    func run() throws {
        let log = try FileLog(directory: try storeOptions.directory(), options: .init(durability: durability))
        // Every append is made before the clock starts: this measures the log, not the making of drafts.
        let pool = (0..<4096).map { Self.draft($0, size: size) }
        let perAppender = records
        let work: [[(first: Int, drafts: [RecordDraft])]] = (0..<appenders).map { a in
            stride(from: start + a * perAppender, to: start + (a + 1) * perAppender, by: batch).map { n in
                let end = min(n + batch, start + (a + 1) * perAppender)
                return (n, (n..<end).map { k in
                    var draft = pool[k & 4095]
                    draft.id = Self.id(k)
                    return draft
                })
            }
        }
        let lock = NSLock()
        nonisolated(unsafe) var failure: Error?
        let started = DispatchTime.now().uptimeNanoseconds
        if tasks {
            let finished = DispatchSemaphore(value: 0)
            Task {
                do {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for appends in work {
                            group.addTask {
                                for append in appends { _ = try await log.append(append.drafts) }
                            }
                        }
                        try await group.waitForAll()
                    }
                } catch {
                    lock.withLock { failure = error }
                }
                finished.signal()
            }
            finished.wait()
        } else {
            let done = DispatchGroup()
            for appends in work {
                done.enter()
                let thread = Thread { [printAcks] in
                    defer { done.leave() }
                    for append in appends {
                        do {
                            _ = try log.append(append.drafts)
                        } catch {
                            lock.withLock { failure = error }
                            return
                        }
                        if printAcks {
                            let text = (append.first..<append.first + append.drafts.count).map { "acked \($0)\n" }.joined()
                            lock.withLock { _ = text.withCString { write(1, $0, strlen($0)) } }
                        }
                    }
                }
                thread.start()
            }
            done.wait()
        }
        if let failure { throw failure }
        try log.close()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let total = records * appenders
        Diagnostics.note(String(format: "appended %d records of %d bytes in %.3f s: %.0f records/s (%@, %d appender %@)",
                                total, size, seconds, Double(total) / seconds, durability.rawValue, appenders,
                                tasks ? "task(s)" : "thread(s)"))
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
