import Foundation

/// Runs `body(0)` … `body(count - 1)` as concurrent child tasks and blocks the calling thread until all of them
/// have ended; throws the first error. For the synchronous `run()` of the benchmark commands, whose appenders are
/// tasks as a server's request handlers are.
func runConcurrentTasks(_ count: Int, _ body: @escaping @Sendable (Int) async throws -> Void) throws {
    final class Outcome: @unchecked Sendable {
        var error: Error?  // written before `finished` is signalled, read after
    }
    let outcome = Outcome()
    let finished = DispatchSemaphore(value: 0)
    Task.detached {
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<count { group.addTask { try await body(i) } }
                try await group.waitForAll()
            }
        } catch {
            outcome.error = error
        }
        finished.signal()
    }
    finished.wait()
    if let error = outcome.error { throw error }
}
