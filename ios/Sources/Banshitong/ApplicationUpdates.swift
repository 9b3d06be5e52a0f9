// The user's applications as AsyncSequences, for the list and detail
// screens: `.task { for await list in applications.applicationsUpdates(filter: .inProgress) { ... } }`.
// Mirrors ApplicationUpdates.kt on Android. Leaving the loop, cancelling the
// task or releasing the stream cancels the core's SubscriptionHandle.
//
// These are AsyncStreams, not AsyncThrowingStreams: a subscription has no
// failure to report (it reads the device's own copy; a sync's or the live
// connection's trouble shows in `liveStateUpdates()` and in `sync()`), so a
// throwing stream would make every screen write `try` for an error that
// never comes. The streams end when the core lets go of the listener (the
// handle is cancelled, or the user's applications handle is gone).

extension BstApplications {
    /// The list under `filter` ("in progress", "needs my action", "done"):
    /// the device's copy now (offline too), then after each change (a sync,
    /// a live event, a withdrawal). Keeps only the newest list.
    public func applicationsUpdates(filter: ApplicationFilter = .all) -> AsyncStream<[ApplicationSummary]> {
        subscriptionUpdates { deliver in
            watchList(filter: filter, listener: ForwardingApplicationListListener(deliver))
        }
    }

    /// One application with its timeline and deadlines: as the device holds
    /// it now, then each new state; `nil` while the device does not hold it
    /// (not synced yet, or removed from the user's list). Keeps only the
    /// newest state.
    public func applicationUpdates(applicationNo: String) -> AsyncStream<Application?> {
        subscriptionUpdates { deliver in
            watch(applicationNo: applicationNo, listener: ForwardingApplicationListener(deliver))
        }
    }

    /// What needs the user (a supplement to give, a fee to pay, completed,
    /// delivered) and each status change, from now on, for a local
    /// notification. Unbounded: events are a log, each one is delivered in
    /// order.
    public func applicationEvents() -> AsyncStream<ApplicationEvent> {
        AsyncStream(bufferingPolicy: .unbounded) { continuation in
            let handle = events(listener: ForwardingApplicationEventListener(continuation))
            continuation.onTermination = { _ in handle.cancel() }
        }
    }

    /// The live connection (off, connecting, live, retrying): now, then
    /// each change. Keeps only the newest state.
    public func liveStateUpdates() -> AsyncStream<LiveState> {
        subscriptionUpdates { deliver in
            watchLive(listener: ForwardingLiveStateListener(deliver))
        }
    }
}

final class ForwardingApplicationListListener: ApplicationListListener {
    private let deliver: @Sendable ([ApplicationSummary]) -> Void

    init(_ deliver: @escaping @Sendable ([ApplicationSummary]) -> Void) {
        self.deliver = deliver
    }

    func onApplications(applications: [ApplicationSummary]) throws {
        deliver(applications)
    }
}

final class ForwardingApplicationListener: ApplicationListener {
    private let deliver: @Sendable (Application?) -> Void

    init(_ deliver: @escaping @Sendable (Application?) -> Void) {
        self.deliver = deliver
    }

    func onApplication(application: Application?) throws {
        deliver(application)
    }
}

final class ForwardingLiveStateListener: LiveStateListener {
    private let deliver: @Sendable (LiveState) -> Void

    init(_ deliver: @escaping @Sendable (LiveState) -> Void) {
        self.deliver = deliver
    }

    func onLiveState(state: LiveState) throws {
        deliver(state)
    }
}

final class ForwardingApplicationEventListener: ApplicationEventListener, @unchecked Sendable {
    // A continuation is thread-safe: the core calls from its own threads.
    private let continuation: AsyncStream<ApplicationEvent>.Continuation

    init(_ continuation: AsyncStream<ApplicationEvent>.Continuation) {
        self.continuation = continuation
    }

    func onEvent(event: ApplicationEvent) throws {
        continuation.yield(event)
    }

    deinit {
        // The core let go of the listener: nothing more will come.
        continuation.finish()
    }
}
