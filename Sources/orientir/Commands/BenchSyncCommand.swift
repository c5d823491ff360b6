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
        let group = threads
            ? try Self.groupAppendsOfThreads(fd, file, bytes: groupBytes, appenders: appenders, rounds: rounds)
            : try Self.groupAppends(fd, file, bytes: groupBytes, appenders: appenders, rounds: rounds)
        print(String(format: "single: %.0f appends/s (%d B + fdatasync each)", single, singleBytes))
        print(String(format: "group: %.0f appends/s (%d %@, %d B + fdatasync per round) = %.1f× single",
                     group, appenders, threads ? "threads" : "tasks", groupBytes, group / single))
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

    /// Tasks that suspend until a committer thread has written and synced for all of them: the committer waits
    /// for every task to be back (yielding the CPU meanwhile), writes `bytes` and syncs once, then resumes them.
    static func groupAppends(_ fd: Int32, _ path: String, bytes: Int, appenders: Int, rounds: Int) throws -> Double {
        final class Queue: @unchecked Sendable {
            let lock = NSLock()
            var waiting: [UnsafeContinuation<Void, Never>] = []
            var failure: Error?
        }
        let queue = Queue()
        let data = [UInt8](repeating: 0x61, count: bytes)
        let committer = Thread {
            for round in 0..<rounds {
                while queue.lock.withLock({ queue.waiting.count }) < appenders { sched_yield() }
                let group = queue.lock.withLock { () -> [UnsafeContinuation<Void, Never>] in
                    defer { queue.waiting.removeAll(keepingCapacity: true) }
                    return queue.waiting
                }
                do { try appendAndSync(fd, data, at: round * bytes, path) } catch { queue.lock.withLock { queue.failure = error } }
                for waiter in group { waiter.resume() }
            }
        }
        let start = DispatchTime.now().uptimeNanoseconds
        committer.start()
        try runConcurrentTasks(appenders) { _ in
            for _ in 0..<rounds {
                await withUnsafeContinuation { (waiter: UnsafeContinuation<Void, Never>) in
                    queue.lock.withLock { queue.waiting.append(waiter) }
                }
            }
        }
        let elapsed = seconds(since: start)
        if let failure = queue.lock.withLock({ queue.failure }) { throw failure }
        return Double(appenders * rounds) / elapsed
    }

    /// As `groupAppends`, with threads for appenders: each queues its own semaphore and blocks on it until the
    /// committer thread has written and synced for the whole group and signalled every one of them.
    static func groupAppendsOfThreads(_ fd: Int32, _ path: String, bytes: Int, appenders: Int, rounds: Int) throws -> Double {
        final class Queue: @unchecked Sendable {
            let lock = NSLock()
            var waiting: [DispatchSemaphore] = []
            var failure: Error?
        }
        let queue = Queue()
        let data = [UInt8](repeating: 0x61, count: bytes)
        let done = DispatchGroup()
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<appenders {
            done.enter()
            let appender = Thread {
                let mine = DispatchSemaphore(value: 0)
                for _ in 0..<rounds {
                    queue.lock.withLock { queue.waiting.append(mine) }
                    mine.wait()
                }
                done.leave()
            }
            appender.start()
        }
        for round in 0..<rounds {
            while queue.lock.withLock({ queue.waiting.count }) < appenders { sched_yield() }
            let group = queue.lock.withLock { () -> [DispatchSemaphore] in
                defer { queue.waiting.removeAll(keepingCapacity: true) }
                return queue.waiting
            }
            do { try appendAndSync(fd, data, at: round * bytes, path) } catch { queue.lock.withLock { queue.failure = error } }
            for waiter in group { waiter.signal() }
        }
        done.wait()
        let elapsed = seconds(since: start)
        if let failure = queue.lock.withLock({ queue.failure }) { throw failure }
        return Double(appenders * rounds) / elapsed
    }
}
