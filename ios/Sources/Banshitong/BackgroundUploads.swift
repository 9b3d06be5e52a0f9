// The part of background uploading that is the same everywhere: one run of
// the core's `resumePending` within a budget, and what to tell the system
// afterwards. The iOS glue (BGTaskScheduler) is in BackgroundUploadTask.swift,
// what all background runs share in BackgroundRuns.swift; this file runs, and
// is tested, on Linux too.

/// How a background run went.
public enum BackgroundUploadOutcome: Sendable {
    /// The queue is empty (or holds only paused items).
    case allSent(ResumeReport)
    /// The budget ran out first; what arrived stays on the platform.
    case moreLeft(ResumeReport)
    /// Nobody is signed in: nobody's uploads to send. The next sign-in's
    /// `materials()` resumes them in the app.
    case signedOut
    /// Something failed (the platform, the network, storage); try again later.
    case failed(BstError)

    /// Whether to ask the system for another run.
    public var needsAnotherRun: Bool {
        switch self {
        case .moreLeft, .failed: true
        case .allSent, .signedOut: false
        }
    }

    /// What `BGTask.setTaskCompleted(success:)` takes.
    public var succeeded: Bool {
        switch self {
        case .allSent, .moreLeft, .signedOut: true
        case .failed: false
        }
    }
}

extension BstClient {
    /// Uploads what fits in `budget` seconds for the signed-in user, then
    /// stops cleanly. Never throws: a background task must always be completed.
    public func resumePendingUploads(budget: Double) async -> BackgroundUploadOutcome {
        await backgroundRun {
            let report = try await materials().resumePending(budget: budget)
            return report.remaining == 0 ? .allSent(report) : .moreLeft(report)
        }
    }
}

extension BackgroundUploadOutcome: BackgroundRunOutcome {}
