// Finishing material uploads while the app is in the background or after it
// was killed: a BGProcessingTask that runs `resumePendingUploads(budget:)`
// (BackgroundUploads.swift). iOS only; the app lists `taskIdentifier` under
// BGTaskSchedulerPermittedIdentifiers in its Info.plist (App/project.yml).
#if canImport(BackgroundTasks) && os(iOS)
import BackgroundTasks
import Foundation

public enum BackgroundUploads {
    public static let taskIdentifier = "cn.gov.yn.banshitong.material-uploads"

    /// Registers the handler. Call once, before the app finishes launching
    /// (the `App`'s `init`, or `application(_:didFinishLaunchingWithOptions:)`).
    /// `client` gives the process's one client (building it if iOS launched
    /// the app just for this task); `budget` is how long one run uploads
    /// before stopping cleanly. iOS usually allows a processing task
    /// minutes; if it ends the task earlier, the expiration handler asks for
    /// another run and the platform keeps what arrived.
    public static func register(
        budget: Double = 180, client: @escaping @Sendable () async throws -> BstClient
    ) {
        // False only when the identifier is missing from Info.plist: then
        // iOS never runs the task, and the foreground queue uploads alone.
        _ = BGTaskScheduler.shared.register(forTaskWithIdentifier: taskIdentifier, using: nil) { task in
            run(Completion(task), budget: budget, client: client)
        }
    }

    /// Asks iOS for a run once the network is there. Call when an upload is
    /// queued and when the app goes to the background with uploads left.
    /// Submitting again replaces the pending request, so calling often is fine.
    public static func schedule() {
        let request = BGProcessingTaskRequest(identifier: taskIdentifier)
        request.requiresNetworkConnectivity = true
        request.requiresExternalPower = false
        // Fails in the simulator and when the identifier is not in
        // Info.plist; the foreground queue still uploads, so nothing is lost.
        try? BGTaskScheduler.shared.submit(request)
    }

    private static func run(
        _ completion: Completion, budget: Double,
        client: @escaping @Sendable () async throws -> BstClient
    ) {
        let work = Task {
            let outcome: BackgroundUploadOutcome
            do {
                outcome = try await client().resumePendingUploads(budget: budget)
            } catch let error as BstError {
                outcome = .failed(error)
            } catch {
                outcome = .failed(
                    .Failure(
                        kind: .internal, reason: "the client could not be built: \(error)", field: nil,
                        retryAfterMs: nil, status: nil, requiredTier: nil, materialProblem: nil))
            }
            if outcome.needsAnotherRun { schedule() }
            completion.complete(success: outcome.succeeded)
        }
        completion.task.expirationHandler = {
            // The core's run stops at its own budget; what the platform
            // confirmed stays, and the next run resumes from there.
            work.cancel()
            schedule()
            completion.complete(success: false)
        }
    }
}

/// The task, completed exactly once (by the run or by its expiration,
/// whichever comes first). BGTask is not Sendable; this owns it behind a lock.
private final class Completion: @unchecked Sendable {
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
