import Banshitong
import Foundation

/// What the regions list shows.
enum RegionsState {
    case loading
    case loaded([Region])
    /// The screen words its message from the kind; the error's reason is for logs.
    case failed(ErrorKind)
}

/// The start screen's state: whether the platform is reachable, and Yunnan's
/// regions (from the offline cache when it is not).
@MainActor
final class AppModel: ObservableObject {
    @Published private(set) var connectivity: Connectivity = .unknown
    @Published private(set) var regions: RegionsState = .loading

    private let client: @Sendable () async throws -> BstClient
    /// The last foreground change asked for; each waits for the one before,
    /// so the core hears them in the order the scene phase changed.
    private var foregroundChange: Task<Void, Never>?

    init(client: @escaping @Sendable () async throws -> BstClient = CoreClient.client) {
        self.client = client
    }

    func loadRegions() async {
        regions = .loading
        do {
            regions = .loaded(try await client().regions())
        } catch let error as BstError {
            regions = .failed(error.kind)
        } catch is CancellationError {
            // The screen went away; nobody sees the state.
        } catch {
            regions = .failed(.internal)
        }
    }

    /// Follows connectivity for as long as the calling task runs: SwiftUI's
    /// `.task` cancels it when the view goes away, which cancels the core's
    /// subscription too.
    func followConnectivity() async {
        // A client that cannot be built is reported by the regions state.
        guard let client = try? await client() else { return }
        for await state in client.connectivityUpdates() {
            connectivity = state
        }
    }

    /// The app came on screen (true) or went to the background (false):
    /// while on screen, the core keeps the live connection for the
    /// applications' status open and syncs when it comes back.
    func setForeground(_ foreground: Bool) {
        let previous = foregroundChange
        let client = self.client
        foregroundChange = Task {
            await previous?.value
            // Nobody signed in, or no client: nothing to keep live. A
            // sign-in screen calls this again once signed in.
            guard let applications = try? await client().applications() else { return }
            applications.setForeground(foreground: foreground)
        }
    }
}
