// The session as an AsyncSequence: the current state first, then each change.

extension BstAuth {
    public func sessionUpdates() -> AsyncStream<SessionState> {
        subscriptionUpdates { deliver in
            watchSession(listener: ForwardingSessionListener(deliver))
        }
    }
}

final class ForwardingSessionListener: SessionListener {
    private let deliver: @Sendable (SessionState) -> Void

    init(_ deliver: @escaping @Sendable (SessionState) -> Void) {
        self.deliver = deliver
    }

    func onChange(state: SessionState) throws {
        deliver(state)
    }
}
