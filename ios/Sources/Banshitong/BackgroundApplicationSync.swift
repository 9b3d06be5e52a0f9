// Keeping the applications list right while the app is not on screen:
//  - a silent APNs notification (content-available) carries the platform's
//    hint: `client.handlePush(payload: pushPayload(userInfo: userInfo))`
//    (the flat string map the core reads, made before any `await`, since
//    userInfo is not Sendable) lets the core sync and say what changed;
//  - a BGAppRefreshTask runs `backgroundApplicationSync(budget:)` now and
//    then, so the list is right when the app opens even if a push was lost.
// The parts that are the same everywhere run, and are tested, on Linux; the
// iOS glue (BGTaskScheduler through BackgroundRuns.swift,
// UIBackgroundFetchResult) is at the bottom.
// Mirrors ApplicationSyncWorker and ApplicationPushes on Android.

import Foundation

/// How a background application sync went.
public enum BackgroundApplicationSyncOutcome: Sendable {
    /// The run finished within its budget.
    case synced(BackgroundSyncReport)
    /// The budget ran out first; the next run goes on from there.
    case moreLeft(BackgroundSyncReport)
    /// Nobody is signed in: nobody's applications to sync.
    case signedOut
    /// Something failed (the platform, the network, storage); try again later.
    case failed(BstError)

    /// What `BGTask.setTaskCompleted(success:)` takes.
    public var succeeded: Bool {
        switch self {
        case .synced, .moreLeft, .signedOut: true
        case .failed: false
        }
    }

    /// Whether anything the user sees changed.
    public var changedAnything: Bool {
        switch self {
        case let .synced(report), let .moreLeft(report):
            report.applicationsChanged > 0 || report.applicationsRemoved > 0
        case .signedOut, .failed: false
        }
    }
}

extension BstClient {
    /// One bounded run for a background task: sends what the outbox holds,
    /// resumes uploads and syncs the signed-in user's applications, within
    /// `budget` seconds. Never throws: a background task must always be
    /// completed.
    public func backgroundApplicationSync(budget: Double) async -> BackgroundApplicationSyncOutcome {
        await backgroundRun {
            let report = try await applications().backgroundSync(budget: budget)
            return report.stoppedByDeadline ? .moreLeft(report) : .synced(report)
        }
    }
}

extension BackgroundApplicationSyncOutcome: BackgroundRunOutcome {}

/// For `application(_:didReceiveRemoteNotification:fetchCompletionHandler:)`:
/// the push payload `BstClient.handlePush(payload:)` takes (which never
/// throws: another SDK's notification, a malformed one, one for an account
/// not signed in here each give an `.ignored` outcome).
///
/// The flat string map of a notification's userInfo: its top-level keys
/// with string or number values (APNs JSON may carry `change_seq` as a
/// number); `aps` and anything nested are left out, as FCM data messages
/// have no such values.
public func pushPayload(userInfo: [AnyHashable: Any]) -> [String: String] {
    var payload: [String: String] = [:]
    for (key, value) in userInfo {
        guard let key = key.base as? String else { continue }
        switch value {
        case let text as String: payload[key] = text
        case let number as Int: payload[key] = String(number)
        case let number as Int64: payload[key] = String(number)
        case let number as NSNumber: payload[key] = number.stringValue
        default: continue
        }
    }
    return payload
}

#if canImport(UIKit) && os(iOS)
import UIKit

extension PushOutcome {
    /// What the remote-notification handler's completion takes.
    public var backgroundFetchResult: UIBackgroundFetchResult {
        switch self {
        case let .synced(changed, removed): (changed.isEmpty && removed == 0) ? .noData : .newData
        case .ignored: .noData
        case .syncFailed: .failed
        }
    }
}
#endif

#if canImport(BackgroundTasks) && os(iOS)
import BackgroundTasks

public enum BackgroundApplicationSync {
    /// Listed under BGTaskSchedulerPermittedIdentifiers in the app's Info.plist.
    public static let taskIdentifier = "cn.gov.yn.banshitong.application-sync"

    /// Registers the handler. Call once, before the app finishes launching.
    /// `client` gives the process's one client (building it if iOS launched
    /// the app just for this task). iOS gives a refresh task about 30
    /// seconds; `budget` stays well inside that.
    public static func register(
        budget: Double = 20, client: @escaping @Sendable () async throws -> BstClient
    ) {
        // The next refresh is asked for first: iOS runs one only if asked
        // (and again if this one could not finish; asking replaces the
        // pending request). Without the Info.plist entry iOS never runs it:
        // then only pushes and the foreground keep the list right.
        BackgroundTaskRunner.register(taskIdentifier, client: client, unfinished: { schedule() }) { client in
            schedule()
            return await client.backgroundApplicationSync(budget: budget).succeeded
        }
    }

    /// Asks iOS for a run in about `after` seconds (iOS decides when).
    /// Call when the app goes to the background; submitting again replaces
    /// the pending request.
    public static func schedule(after seconds: TimeInterval = 15 * 60) {
        let request = BGAppRefreshTaskRequest(identifier: taskIdentifier)
        request.earliestBeginDate = Date(timeIntervalSinceNow: seconds)
        // Fails in the simulator and without the Info.plist entry; nothing
        // is lost, the next foreground syncs.
        try? BGTaskScheduler.shared.submit(request)
    }
}
#endif
