import Banshitong
import SwiftUI

@main
struct BanshitongApp: App {
    @StateObject private var model = AppModel()
    @Environment(\.scenePhase) private var scenePhase

    init() {
        // Before launch ends, as BGTaskScheduler requires: material uploads
        // the app does not finish in the foreground finish in the background.
        BackgroundUploads.register { try await CoreClient.client() }
        // And the applications' status, kept right now and then even when a
        // push was lost.
        BackgroundApplicationSync.register { try await CoreClient.client() }
    }

    var body: some Scene {
        WindowGroup {
            ContentView(model: model)
        }
        .onChange(of: scenePhase) { phase in
            switch phase {
            case .active:
                model.setForeground(true)
            case .background:
                model.setForeground(false)
                // A run with nothing queued ends at once; one too few loses uploads.
                BackgroundUploads.schedule()
                BackgroundApplicationSync.schedule()
            default:
                // Inactive is a passing state (a call, the app switcher):
                // the live connection stays as it is.
                break
            }
        }
    }
}
