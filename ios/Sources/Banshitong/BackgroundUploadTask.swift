// Finishing material uploads while the app is in the background or after it
// was killed: a BGProcessingTask that runs `resumePendingUploads(budget:)`
// (BackgroundUploads.swift), registered through BackgroundTaskRunner
// (BackgroundRuns.swift). iOS only; the app lists `taskIdentifier` under
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
        // Another run when this one could not finish or left uploads; the
        // platform keeps what arrived, and the next run resumes from there.
        BackgroundTaskRunner.register(taskIdentifier, client: client, unfinished: { schedule() }) { client in
            let outcome = await client.resumePendingUploads(budget: budget)
            if outcome.needsAnotherRun { schedule() }
            return outcome.succeeded
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
}
#endif
