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
}
