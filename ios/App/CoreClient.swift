import Banshitong
import Foundation

/// The process's one core client. It owns the databases and the connection
/// pool, so it outlives any screen. Built on first use, on this actor rather
/// than the main thread (building opens the catalog database); if building
/// fails (a BstError), the next call tries again.
actor CoreClient {
    private static let shared = CoreClient()

    /// The client, built on the first call.
    static func client() async throws -> BstClient {
        try await shared.get()
    }

    private var built: BstClient?

    private func get() throws -> BstClient {
        if let built { return built }
        let client = try BstClient(
            config: defaultClientConfig(apiBaseUrl: Self.apiBaseUrl, dataDir: try Self.dataDirectory()),
            secretStore: KeychainSecretStore(),
            logger: UnifiedLogger()
        )
        built = client
        return client
    }

    /// From Info.plist (BSTApiBaseURL, set per build configuration in
    /// project.yml): the reference server on the Mac in Debug, the platform
    /// in Release.
    private static var apiBaseUrl: String {
        Bundle.main.object(forInfoDictionaryKey: "BSTApiBaseURL") as? String ?? "https://ynbst.example.cn"
    }

    /// Application Support/banshitong: private to the app, kept across updates.
    private static func dataDirectory() throws -> String {
        let directory = try FileManager.default
            .url(for: .applicationSupportDirectory, in: .userDomainMask, appropriateFor: nil, create: true)
            .appendingPathComponent("banshitong", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.path
    }
}
