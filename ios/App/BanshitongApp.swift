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
    }

    var body: some Scene {
        WindowGroup {
            ContentView(model: model)
        }
        .onChange(of: scenePhase) { phase in
            // A run with nothing queued ends at once; one too few loses uploads.
            if phase == .background { BackgroundUploads.schedule() }
        }
    }
}
