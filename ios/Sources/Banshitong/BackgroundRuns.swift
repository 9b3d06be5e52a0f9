// What every background run shares, whichever work it does (material
// uploads in BackgroundUploads.swift, the applications sync in
// BackgroundApplicationSync.swift): a run never throws, since the system's
// task must always be completed, so a missing session becomes "signed out"
// and any other error an outcome that says it failed. On iOS, the
// BGTaskScheduler glue both tasks use: build the client, run, complete the
// task exactly once.

import Foundation

/// The outcome of one background run: what the system's task is told.
protocol BackgroundRunOutcome: Sendable {
    /// Nobody is signed in: nothing to do, and nothing went wrong.
    static var signedOut: Self { get }
    /// Something failed (the platform, the network, storage); try again later.
    static func failed(_ error: BstError) -> Self
}

/// Runs `body`, turning what it throws into an outcome: an expired or
/// missing session is `signedOut`, any other error `failed`.
func backgroundRun<Outcome: BackgroundRunOutcome>(_ body: () async throws -> Outcome) async -> Outcome {
    do {
        return try await body()
    } catch let error as BstError {
        switch error.kind {
        case .unauthorized, .sessionExpired: return .signedOut
        default: return .failed(error)
        }
    } catch {
        return .failed(
            .Failure(
                kind: .internal, reason: "\(error)", field: nil, retryAfterMs: nil, status: nil,
                requiredTier: nil, materialProblem: nil))
    }
}

#if canImport(BackgroundTasks) && os(iOS)
import BackgroundTasks

/// Registers the handler of one BGTask identifier for a background run.
enum BackgroundTaskRunner {
    /// Call once, before the app finishes launching. Each launch gets the
    /// process's client from `client` (building it if iOS launched the app
    /// just for this task), awaits `run` with it and completes the task
    /// with what `run` returns. `unfinished` is called when a launch could
    /// not finish (the client could not be built, or iOS ended the task
    /// first), so that the caller can ask for another run.
    static func register(
        _ identifier: String,
        client: @escaping @Sendable () async throws -> BstClient,
        unfinished: @escaping @Sendable () -> Void,
        run: @escaping @Sendable (BstClient) async -> Bool
    ) {
        // False only when the identifier is missing from Info.plist: then
        // iOS never runs the task, and the app does this work in the
        // foreground alone.
        _ = BGTaskScheduler.shared.register(forTaskWithIdentifier: identifier, using: nil) { task in
            let completion = TaskCompletion(task)
            let work = Task {
                guard let built = try? await client() else {
                    unfinished()
                    return completion.complete(success: false)
                }
                completion.complete(success: await run(built))
            }
            completion.task.expirationHandler = {
                // The core's run stops at its own budget; what it stored,
                // or the platform confirmed, stays for the next run.
                work.cancel()
                unfinished()
                completion.complete(success: false)
            }
        }
    }
}

/// The task, completed exactly once (by the run or by its expiration,
/// whichever comes first). BGTask is not Sendable; this owns it behind a lock.
private final class TaskCompletion: @unchecked Sendable {
    let task: BGTask
    private let lock = NSLock()
    private var done = false

    init(_ task: BGTask) {
        self.task = task
    }

    func complete(success: Bool) {
        lock.lock()
        let first = !done
        done = true
        lock.unlock()
        if first { task.setTaskCompleted(success: success) }
    }
}
#endif
