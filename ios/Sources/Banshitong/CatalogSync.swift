// A catalog sync as an AsyncSequence of its steps, for a progress bar:
// `for try await step in catalog.syncUpdates() { ... }`. Mirrors syncFlow
// on Android.
import Foundation

extension BstCatalog {
    /// Starts syncing the offline catalog and yields each step: `.started`,
    /// then `.snapshotImported` / `.pageApplied` / `.restarted` as they
    /// happen, then `.finished` (or `.cancelled` after `cancelSync()`). The
    /// loop ends when the sync ends; a failed sync throws its `BstError`.
    ///
    /// Ending the consumer (its task cancelled, the loop left, the stream
    /// released) stops the sync after the page it is applying; cancelling a
    /// task that awaits `sync` would not, since the core's call runs to its
    /// end. What was applied stays, and the next sync resumes there.
    ///
    /// Every step is kept (they are few, one per page), so a consumer sees
    /// them all, in order.
    public func syncUpdates(options: SyncOptions = defaultSyncOptions())
        -> AsyncThrowingStream<SyncProgress, Error>
    {
        AsyncThrowingStream { continuation in
            // Syncs run one at a time, so between this sync's .started and
            // its end, cancelSync() stops this one and no other.
            let running = RunningFlag()
            let listener = ForwardingSyncListener { [self] progress in
                running.set(progress.phase != .finished && progress.phase != .cancelled)
                // Terminated: the consumer went away before this sync began
                // (it waited for another one) or while it ran.
                if case .terminated = continuation.yield(progress) { cancelSync() }
            }
            continuation.onTermination = { [self] termination in
                // Stop it now rather than at its next step.
                if case .cancelled = termination, running.get() { cancelSync() }
            }
            Task {
                do {
                    _ = try await syncWith(options: options, listener: listener)
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
        }
    }
}

final class ForwardingSyncListener: SyncListener {
    private let deliver: @Sendable (SyncProgress) -> Void

    init(_ deliver: @escaping @Sendable (SyncProgress) -> Void) {
        self.deliver = deliver
    }

    func onProgress(progress: SyncProgress) throws {
        deliver(progress)
    }
}

/// Set from the core's threads, read from wherever the stream ends.
private final class RunningFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set(_ running: Bool) {
        lock.lock()
        defer { lock.unlock() }
        value = running
    }

    func get() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}
