// Subscriptions as AsyncSequences. A core subscription is a listener the
// core calls from its own threads plus a handle that stops it; here it
// becomes an AsyncStream whose end (the consuming task cancelled, the loop
// left, the stream released) cancels the handle, so a screen that goes away
// stops the stream in Rust too. Mirrors subscriptionFlow on Android.

/// Turns a core subscription into an `AsyncStream`.
///
/// `subscribe` registers a listener that passes each value to `deliver` and
/// returns the subscription's handle; it runs once, synchronously, before
/// this function returns.
///
/// The stream keeps only the newest value (`.bufferingNewest(1)`): a
/// subscription carries state, not a log, so a slow consumer sees the
/// latest state rather than a backlog. It finishes once the core lets go of
/// the listener (the handle was cancelled, or the client is gone), so a
/// `for await` loop never waits for values that cannot come.
public func subscriptionUpdates<Element: Sendable>(
    _ subscribe: (_ deliver: @escaping @Sendable (Element) -> Void) -> SubscriptionHandle
) -> AsyncStream<Element> {
    AsyncStream(bufferingPolicy: .bufferingNewest(1)) { continuation in
        let feed = StreamFeed(continuation)
        let handle = subscribe { value in feed.yield(value) }
        // Runs when the consuming task is cancelled, or when the stream and
        // its iterators are released. Set here, before anyone can iterate,
        // so no termination can slip past it.
        continuation.onTermination = { _ in handle.cancel() }
    }
}

/// Like `subscriptionUpdates(_:)`, for a subscription that is set up
/// asynchronously and can be refused (`watchUpload(id:listener:)` looks the
/// item up first: an unknown id throws here, before any stream exists).
///
/// `isLast`, when given, ends the stream right after the value it accepts
/// (an upload's final state): the consumer gets that value, then the loop
/// ends, without waiting for the core to let go of the listener.
public func subscriptionUpdates<Element: Sendable>(
    endingAfter isLast: @escaping @Sendable (Element) -> Bool = { _ in false },
    _ subscribe: (_ deliver: @escaping @Sendable (Element) -> Void) async throws -> SubscriptionHandle
) async throws -> AsyncStream<Element> {
    let (stream, continuation) = AsyncStream.makeStream(
        of: Element.self, bufferingPolicy: .bufferingNewest(1))
    let feed = StreamFeed(continuation)
    let handle = try await subscribe { value in
        feed.yield(value)
        if isLast(value) { feed.finish() }
    }
    // Nobody can iterate before this returns, so no termination slips past
    // it; if the stream already finished, releasing it releases the handle,
    // whose deinit cancels it.
    continuation.onTermination = { _ in handle.cancel() }
    return stream
}

/// Owned only by the `deliver` closure, which only the core's listener
/// holds: when the core releases the listener, this ends the stream.
private final class StreamFeed<Element: Sendable>: Sendable {
    private let continuation: AsyncStream<Element>.Continuation

    init(_ continuation: AsyncStream<Element>.Continuation) {
        self.continuation = continuation
    }

    func yield(_ value: Element) {
        continuation.yield(value)
    }

    func finish() {
        continuation.finish()
    }

    deinit {
        continuation.finish()
    }
}
