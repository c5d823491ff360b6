import Dispatch

/// Seals and writes batches on a thread of its own, for appends that need no sync (durability `none`, bulk
/// imports): while it compresses, hashes and writes one batch, the appender judges and lays out the next.
///
/// Batches are sealed strictly in the order they were handed over, so the hash chain and positions are the same
/// as when the appender seals them itself. The first failure stops it: later batches are dropped, and `failure`
/// says why until `reset()`. Whoever reads the files or the log's head waits with `drain()` first.
final class BatchSealer: @unchecked Sendable {
    private enum Job {
        case batch(BatchBuilder, firstPosition: UInt64, startsAppend: Bool)
        case barrier(DispatchSemaphore)
        case stop
    }

    /// Seals and writes one batch (on the sealer's thread).
    typealias Seal = @Sendable (inout BatchBuilder, _ firstPosition: UInt64, _ startsAppend: Bool) throws(LogError) -> Void

    private let lock = Lock()
    private var jobs: [Job] = []  // under lock
    private var spare: [BatchBuilder] = []  // under lock
    private var failed: LogError?  // under lock
    /// Batches handed over and not yet done with (under lock): `drain()` returns at once when there are none.
    private var inFlight = 0
    private let jobsQueued = DispatchSemaphore(value: 0)
    /// Counts builders free to fill: at most `depth` batches are laid out or in flight at once.
    private let buildersFree: DispatchSemaphore
    private let makeBuilder: @Sendable () -> BatchBuilder

    init(depth: Int = 3, makeBuilder: @escaping @Sendable () -> BatchBuilder, seal: @escaping Seal) {
        self.makeBuilder = makeBuilder
        buildersFree = DispatchSemaphore(value: depth)
        startThread { [self] in run(seal) }
    }

    /// What stopped the sealer, if anything did.
    var failure: LogError? { lock.withLock { failed } }

    /// A builder to lay out the next batch in: waits while `depth` batches are still being sealed.
    func takeBuilder() -> BatchBuilder {
        buildersFree.wait()
        let reused = lock.withLock { spare.popLast() }
        var builder = reused ?? makeBuilder()
        builder.reset()
        return builder
    }

    /// Hands a laid-out batch over to be sealed and written after those before it; `startsAppend` for the first
    /// batch of an append (where the active segment may be sealed and the next begun).
    func submit(_ builder: BatchBuilder, firstPosition: UInt64, startsAppend: Bool) {
        lock.withLock {
            jobs.append(.batch(builder, firstPosition: firstPosition, startsAppend: startsAppend))
            inFlight += 1
        }
        jobsQueued.signal()
    }

    /// Waits until every batch handed over is written; throws the failure that stopped the sealer, if any.
    func drain() throws(LogError) {
        let idle = lock.withLock { inFlight == 0 }
        if !idle {
            let reached = DispatchSemaphore(value: 0)
            lock.withLock { jobs.append(.barrier(reached)) }
            jobsQueued.signal()
            reached.wait()
        }
        if let failed = failure { throw failed }
    }

    /// Forgets a failure once the log has been put back in order (a bulk import rolled back).
    func reset() { lock.withLock { failed = nil } }

    /// Ends the thread once the batches before are written.
    func stop() {
        lock.withLock { jobs.append(.stop) }
        jobsQueued.signal()
    }

    private func run(_ seal: Seal) {
        while true {
            jobsQueued.wait()
            let job = lock.withLock { jobs.removeFirst() }
            switch job {
            case .batch(var builder, let firstPosition, let startsAppend):
                if failure == nil {
                    do throws(LogError) {
                        try seal(&builder, firstPosition, startsAppend)
                    } catch {
                        lock.withLock { failed = error }
                    }
                }
                lock.withLock {
                    spare.append(builder)
                    inFlight -= 1
                }
                buildersFree.signal()
            case .barrier(let reached):
                reached.signal()
            case .stop:
                return
            }
        }
    }
}
