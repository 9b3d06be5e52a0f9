// The connectivity subscription as an AsyncSequence, for SwiftUI's
// `.task { for await state in client.connectivityUpdates() { ... } }`.

extension BstClient {
    /// Whether the platform can be reached: the current value first
    /// (`.unknown` before the first request), then each change.
    public func connectivityUpdates() -> AsyncStream<Connectivity> {
        subscriptionUpdates { deliver in
            watchConnectivity(listener: ForwardingConnectivityListener(deliver))
        }
    }
}

/// Passes what the core reports to a closure. Immutable, hence Sendable.
final class ForwardingConnectivityListener: ConnectivityListener {
    private let deliver: @Sendable (Connectivity) -> Void

    init(_ deliver: @escaping @Sendable (Connectivity) -> Void) {
        self.deliver = deliver
    }

    func onChange(state: Connectivity) throws {
        deliver(state)
    }
}
