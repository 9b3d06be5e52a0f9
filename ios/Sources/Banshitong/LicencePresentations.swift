// A licence's presentation codes as an AsyncSequence, for the screen that
// shows the QR: `for try await code in licences.presentationUpdates(...) {}`.
// Mirrors presentationFlow on Android. No UI here: drawing the matrix is the
// app's (see `qrMatrix(qrText:)`), so this file builds and is tested on Linux.

extension Presentation {
    /// Whole seconds until the code expires at `nowMs` (rounded up, never
    /// negative): the countdown under the QR.
    public func secondsLeft(nowMs: Int64) -> Int64 {
        (max(expiresAtMs - nowMs, 0) + 999) / 1000
    }
}

extension BstLicences {
    /// The codes to show for a licence: one now, then a fresh one a little
    /// before each expires, while the loop runs (leaving it, or cancelling
    /// the task, stops the core's stream). Keeps only the newest code. When
    /// no more can be made (an online token with the network gone) the loop
    /// throws that `BstError`; the screen can say why or switch to `.offline`.
    public func presentationUpdates(
        id: String, mode: PresentationMode, disclosure: Disclosure
    ) -> AsyncThrowingStream<Presentation, Error> {
        AsyncThrowingStream(bufferingPolicy: .bufferingNewest(1)) { continuation in
            let handle = watchPresentations(
                id: id, mode: mode, disclosure: disclosure,
                listener: ForwardingPresentationListener(continuation))
            continuation.onTermination = { _ in handle.cancel() }
        }
    }
}

final class ForwardingPresentationListener: PresentationListener, @unchecked Sendable {
    // A continuation is thread-safe: the core calls from its own threads.
    private let continuation: AsyncThrowingStream<Presentation, Error>.Continuation

    init(_ continuation: AsyncThrowingStream<Presentation, Error>.Continuation) {
        self.continuation = continuation
    }

    func onPresentation(presentation: Presentation) throws {
        continuation.yield(presentation)
    }

    func onFailure(kind: ErrorKind, reason: String) throws {
        continuation.finish(
            throwing: BstError.Failure(
                kind: kind, reason: reason, field: nil, retryAfterMs: nil, status: nil,
                requiredTier: nil, materialProblem: nil))
    }

    deinit {
        // The core let go of the listener: nothing more will come.
        continuation.finish()
    }
}
