// Material uploads as AsyncSequences, for a progress bar:
// `for await progress in try await materials.uploadUpdates(id: item.id) { ... }`.
// Mirrors uploadFlow / uploadsFlow on Android.

extension UploadState {
    /// Whether nothing more will happen to the item on its own: done, refused or cancelled.
    public var isFinal: Bool {
        switch self {
        case .done, .failed, .cancelled: true
        case .queued, .uploading, .paused, .retryWaiting: false
        }
    }
}

extension BstMaterials {
    /// One upload's progress: now, then a few times a second at most while
    /// bytes go out; the loop ends after the upload's final state (`.done`,
    /// `.failed` or `.cancelled`), which is always delivered. Keeps only the
    /// newest progress. Throws `BstError` (`.notFound`) for an id the queue
    /// does not hold.
    ///
    /// Ending the loop stops watching, not the upload (use `pause(id:)` or
    /// `cancel(id:)` for that).
    public func uploadUpdates(id: String) async throws -> AsyncStream<UploadProgress> {
        try await subscriptionUpdates(endingAfter: { $0.state.isFinal }) { deliver in
            try await watchUpload(id: id, listener: ForwardingUploadListener(deliver))
        }
    }

    /// The upload queue ("2 photos uploading"): its items now, newest first,
    /// then after each change.
    public func uploadsUpdates() -> AsyncStream<[UploadItem]> {
        subscriptionUpdates { deliver in
            watchUploads(listener: ForwardingUploadQueueListener(deliver))
        }
    }
}

final class ForwardingUploadListener: UploadListener {
    private let deliver: @Sendable (UploadProgress) -> Void

    init(_ deliver: @escaping @Sendable (UploadProgress) -> Void) {
        self.deliver = deliver
    }

    func onProgress(progress: UploadProgress) throws {
        deliver(progress)
    }
}

final class ForwardingUploadQueueListener: UploadQueueListener {
    private let deliver: @Sendable ([UploadItem]) -> Void

    init(_ deliver: @escaping @Sendable ([UploadItem]) -> Void) {
        self.deliver = deliver
    }

    func onQueue(items: [UploadItem]) throws {
        deliver(items)
    }
}
