/// Keeps projections at the head of a growing log: polls the store's head on a clock and folds what is new.
///
/// ```swift
/// let live = LiveProjections(engine: engine, targets: [facts], clock: ContinuousClock(), every: .milliseconds(200))
/// let task = Task { try await live.follow() }
/// …
/// let position = await live.position
/// task.cancel()
/// ```
///
/// A retraction that removes an event the states already hold makes the engine fold them again (from an older
/// snapshot that still holds, or from zero); the states are never mixed.
public actor LiveProjections<C: Clock> {
    private let engine: ProjectionEngine
    private let targets: [any FoldTarget]
    private let clock: C
    private let interval: C.Duration
    private let save: Bool
    public private(set) var position: UInt64 = 0
    public private(set) var rounds = 0

    public init(
        engine: ProjectionEngine, targets: sending [any FoldTarget], clock: C, every interval: C.Duration,
        saveCheckpoints: Bool = false
    ) {
        self.engine = engine
        self.targets = targets
        self.clock = clock
        self.interval = interval
        save = saveCheckpoints
    }

    /// Polls until the task is cancelled (then returns without error).
    public func follow() async throws {
        while !Task.isCancelled {
            try poll()
            do {
                try await clock.sleep(for: interval)
            } catch is CancellationError {
                return
            }
        }
    }

    /// One round: fold whatever the log has beyond the states.
    public func poll() throws(ProjectionError) {
        let end = try engine.end(of: .head)
        if end != position || rounds == 0 {
            try engine.catchUp(targets, save: save)
            position = end
        }
        rounds += 1
    }

    /// Reads the states inside the actor.
    public func read<T: Sendable>(_ body: ([any FoldTarget]) throws -> T) rethrows -> T {
        try body(targets)
    }
}
