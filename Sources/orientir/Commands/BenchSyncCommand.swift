#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation

/// The ceiling this machine puts on group commit, measured without the log: what any log that shares one
/// write and one `fdatasync` among appender tasks could reach here, beside the one-write-one-sync rate of a
/// single appender. Benchmarks put Orientir's own ratio beside this one.
struct BenchSyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-sync",
        abstract: "Measure the machine's ceiling for group commit: appends of bare bytes, one fdatasync each or one per group of tasks.")

    @Option(help: "A file to append to: created (it must not exist), then removed.")
    var file: String

    @Option(help: "Bytes written per single append (what the log writes for one event).")
    var singleBytes = 355

    @Option(help: "Bytes written per group (what the log writes for one group of `--appenders` events).")
    var groupBytes = 1700

    @Option(help: "Appender tasks sharing each write and sync.")
    var appenders = 32

    @Option(help: "Single appends, and rounds of the group.")
    var rounds = 1000

    @Flag(help: "The group's appenders are threads, each blocked on a semaphore of its own (as in the log's blocking append), not tasks.")
    var threads = false

    func validate() throws {
        for (name, value) in [("--single-bytes", singleBytes), ("--group-bytes", groupBytes),
                              ("--appenders", appenders), ("--rounds", rounds)] where value < 1 {
            throw ValidationError("\(name) must be at least 1, not \(value)")
        }
    }

    func run() throws {
        let fd = Glibc.open(file, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CommandFailure("\(file): cannot create: \(String(cString: strerror(errno)))") }
        defer {
            close(fd)
            unlink(file)
        }
        let single = try Self.singleAppends(fd, file, bytes: singleBytes, count: rounds)
        guard ftruncate(fd, 0) == 0 else { throw CommandFailure("\(file): cannot truncate: \(String(cString: strerror(errno)))") }
        let (group, steps) = threads
            ? try Self.groupAppendsOfThreads(fd, file, bytes: groupBytes, appenders: appenders, rounds: rounds)
            : try Self.groupAppends(fd, file, bytes: groupBytes, appenders: appenders, rounds: rounds)
        print(String(format: "single: %.0f appends/s (%d B + fdatasync each)", single, singleBytes))
        print(String(format: "group: %.0f appends/s (%d %@, %d B + fdatasync per round) = %.1f× single",
                     group, appenders, threads ? "threads" : "tasks", groupBytes, group / single))
        print(steps.summary)
    }

    /// How long the steps of each round took, in nanoseconds.
    struct RoundSteps {
        var gather: [UInt64] = []
        var writeAndSync: [UInt64] = []
        var wake: [UInt64] = []

        /// The median of each step and of the whole round, in µs.
        var summary: String {
            let rounds = (0..<gather.count).map { gather[$0] + writeAndSync[$0] + wake[$0] }
            return "rounds: \(gather.count); medians in µs: gather \(medianMicroseconds(gather)) · write+fdatasync "
                + "\(medianMicroseconds(writeAndSync)) · wake \(medianMicroseconds(wake)); round \(medianMicroseconds(rounds))"
        }
    }

    private static func appendAndSync(_ fd: Int32, _ bytes: [UInt8], at offset: Int, _ path: String) throws {
        let written = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(offset)) }
        guard written == bytes.count, fdatasync(fd) == 0 else {
            throw CommandFailure("\(path): write or fdatasync failed at byte \(offset): \(String(cString: strerror(errno)))")
        }
    }

    private static func seconds(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// One thread: each append its own write and sync, as the log's `always` mode.
    static func singleAppends(_ fd: Int32, _ path: String, bytes: Int, count: Int) throws -> Double {
        let data = [UInt8](repeating: 0x61, count: bytes)
        let start = DispatchTime.now().uptimeNanoseconds
        for i in 0..<count { try appendAndSync(fd, data, at: i * bytes, path) }
        return Double(count) / seconds(since: start)
    }

    /// Appenders waiting for their group's write and sync (continuations or semaphores), and the committer's loop.
    private final class Waiters<Waiter>: @unchecked Sendable {
        private let lock = NSLock()
        private var waiting: [Waiter] = []
        private var failure: Error?

        func add(_ waiter: Waiter) { lock.withLock { waiting.append(waiter) } }

        /// `rounds` rounds: waits until all `appenders` are queued (yielding the CPU meanwhile), writes `data` at
        /// the end of the file and syncs once, then wakes each of them. Returns how long each step took.
        func commit(
            rounds: Int, appenders: Int, _ fd: Int32, _ data: [UInt8], _ path: String, wake: (Waiter) -> Void
        ) -> RoundSteps {
            var steps = RoundSteps()
            for round in 0..<rounds {
                let start = DispatchTime.now().uptimeNanoseconds
                while lock.withLock({ waiting.count }) < appenders { sched_yield() }
                let group = lock.withLock { () -> [Waiter] in
                    defer { waiting.removeAll(keepingCapacity: true) }
                    return waiting
                }
                let gathered = DispatchTime.now().uptimeNanoseconds
                do { try appendAndSync(fd, data, at: round * data.count, path) } catch { lock.withLock { failure = error } }
                let synced = DispatchTime.now().uptimeNanoseconds
                for waiter in group { wake(waiter) }
                let woken = DispatchTime.now().uptimeNanoseconds
                steps.gather.append(gathered - start)
                steps.writeAndSync.append(synced - gathered)
                steps.wake.append(woken - synced)
            }
            return steps
        }

        /// Throws the first failure of a round's write or sync, if any.
        func check() throws {
            if let failure = lock.withLock({ failure }) { throw failure }
        }
    }

    /// Tasks that suspend until a committer thread has written and synced for all of them: the committer waits
    /// for every task to be back (yielding the CPU meanwhile), writes `bytes` and syncs once, then resumes them.
    static func groupAppends(
        _ fd: Int32, _ path: String, bytes: Int, appenders: Int, rounds: Int
    ) throws -> (Double, RoundSteps) {
        let waiters = Waiters<UnsafeContinuation<Void, Never>>()
        let data = [UInt8](repeating: 0x61, count: bytes)
        nonisolated(unsafe) var steps = RoundSteps()
        let finished = DispatchSemaphore(value: 0)
        let committer = Thread {
            steps = waiters.commit(rounds: rounds, appenders: appenders, fd, data, path) { $0.resume() }
            finished.signal()
        }
        let start = DispatchTime.now().uptimeNanoseconds
        committer.start()
        try runConcurrentTasks(appenders) { _ in
            for _ in 0..<rounds {
                await withUnsafeContinuation { (waiter: UnsafeContinuation<Void, Never>) in waiters.add(waiter) }
            }
        }
        let elapsed = seconds(since: start)
        finished.wait()  // the committer's last steps noted
        try waiters.check()
        return (Double(appenders * rounds) / elapsed, steps)
    }

    /// As `groupAppends`, with threads for appenders: each queues its own semaphore and blocks on it until the
    /// committer (the calling thread) has written and synced for the whole group and signalled every one of them.
    static func groupAppendsOfThreads(
        _ fd: Int32, _ path: String, bytes: Int, appenders: Int, rounds: Int
    ) throws -> (Double, RoundSteps) {
        let waiters = Waiters<DispatchSemaphore>()
        let data = [UInt8](repeating: 0x61, count: bytes)
        let done = DispatchGroup()
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<appenders {
            done.enter()
            let appender = Thread {
                let mine = DispatchSemaphore(value: 0)
                for _ in 0..<rounds {
                    waiters.add(mine)
                    mine.wait()
                }
                done.leave()
            }
            appender.start()
        }
        let steps = waiters.commit(rounds: rounds, appenders: appenders, fd, data, path) { $0.signal() }
        done.wait()
        let elapsed = seconds(since: start)
        try waiters.check()
        return (Double(appenders * rounds) / elapsed, steps)
    }
}
