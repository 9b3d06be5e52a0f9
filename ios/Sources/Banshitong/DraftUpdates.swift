// A draft and the submission outbox as AsyncSequences, for a form screen's
// `.task { for await draft in drafts.draftUpdates(id: id) { ... } }`.
// Mirrors draftFlow / outboxFlow on Android.

extension BstDrafts {
    /// One draft: its current version first, then each new one (autosaves,
    /// the outbox sending it, the platform's answer: `.submitted` with the
    /// application number). Keeps only the newest version, like every
    /// subscription; ends once the draft is deleted.
    public func draftUpdates(id: String) -> AsyncStream<Draft> {
        subscriptionUpdates { deliver in
            watchDraft(id: id, listener: ForwardingDraftListener(deliver))
        }
    }

    /// The outbox ("1 application waiting for the network"): the current
    /// status first, then each change.
    public func outboxUpdates() -> AsyncStream<OutboxStatus> {
        subscriptionUpdates { deliver in
            watchOutbox(listener: ForwardingOutboxListener(deliver))
        }
    }
}

final class ForwardingDraftListener: DraftListener {
    private let deliver: @Sendable (Draft) -> Void

    init(_ deliver: @escaping @Sendable (Draft) -> Void) {
        self.deliver = deliver
    }

    func onDraft(draft: Draft) throws {
        deliver(draft)
    }
}

final class ForwardingOutboxListener: OutboxListener {
    private let deliver: @Sendable (OutboxStatus) -> Void

    init(_ deliver: @escaping @Sendable (OutboxStatus) -> Void) {
        self.deliver = deliver
    }

    func onOutbox(status: OutboxStatus) throws {
        deliver(status)
    }
}
