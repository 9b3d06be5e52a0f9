import Banshitong
import Foundation
import XCTest

final class BindingsTests: XCTestCase {
    func testPlainCalls() async throws {
        XCTAssertFalse(coreVersion().isEmpty)
        try await withPlatform { platform in
            let health = try await newClient(platform.baseUrl()).health()
            XCTAssertEqual(health.status, "ok")
        }
    }

    func testAsyncCallReturnsRecords() async throws {
        try await withPlatform { platform in
            let regions = try await newClient(platform.baseUrl()).regions()
            XCTAssertEqual(regions.count, 146)
            XCTAssertEqual(regions.filter { $0.level == .county }.count, 129)
            XCTAssertEqual(regions.first { $0.code == "530102" }?.name, "五华区")
        }
    }

    func testAnInsecureEndpointFailsAtConstruction() async throws {
        let config = defaultClientConfig(apiBaseUrl: "http://ynbst.example.cn", dataDir: try temporaryDirectory())
        let error = await expectFailure { try BstClient(config: config, secretStore: memorySecretStore(), logger: nil) }
        XCTAssertEqual(error?.kind, .invalidInput)
        XCTAssertTrue(error?.reason.contains("https") == true, error?.reason ?? "")
    }

    func testABusyPlatformIsUnavailableWithRetryAfter() async throws {
        try await withPlatform { platform in
            let client = try newClient(platform.baseUrl())
            try await platform.injectFault(pathPrefix: "/api/v1/health", status: 503, count: 1, retryAfterSecs: 60)
            let error = await expectFailure { try await client.health() }
            // A Swift error of the generated type, with the core's fields.
            guard case .Failure? = error else { return XCTFail("no BstError") }
            XCTAssertEqual(error?.kind, .unavailable)
            XCTAssertNil(error?.field)
            XCTAssertEqual(error?.retryAfterMs, 60_000)
            XCTAssertEqual(error?.status, 503)
        }
    }

    func testAStoppedPlatformIsOffline() async throws {
        let platform = try await ReferencePlatform.start()
        let client = try newClient(platform.baseUrl())
        try await platform.stop()
        let error = await expectFailure { try await client.health() }
        XCTAssertEqual(error?.kind, .offline)
        XCTAssertNil(error?.status)
    }

    func testASwiftSecretStoreIsCalledFromRust() async throws {
        let store = SwiftSecretStore()
        // Nothing listens there: preferences live on the device only.
        let client = try newClient("http://127.0.0.1:9", store: store)
        try await client.setPreference(userId: "u-swift", key: "region", value: "530102")
        let region = try await client.preference(userId: "u-swift", key: "region")
        XCTAssertEqual(region, "530102")
        XCTAssertEqual(store.stored.count, 1)
        XCTAssertEqual(store.stored.values.first?.count, 32, "a 256-bit database key, stored through Swift")
        XCTAssertGreaterThanOrEqual(store.calls, 2)
    }

    func testAThrowingSecretStoreBecomesASecretStoreError() async throws {
        let client = try newClient("http://127.0.0.1:9", store: ThrowingSecretStore())
        let error = await expectFailure { try await client.setPreference(userId: "u-swift", key: "k", value: "v") }
        XCTAssertEqual(error?.kind, .secretStore)
        XCTAssertTrue(error?.reason.contains("keystore unavailable") == true, error?.reason ?? "")
    }

    func testAPanicInTheCoreBecomesAnInternalError() async throws {
        let error = await expectFailure { try await testingPanicInCore() }
        XCTAssertEqual(error?.kind, .internal)
        XCTAssertTrue(error?.reason.contains("deliberate panic") == true, error?.reason ?? "")
    }

    func testLogRecordsReachASwiftLogger() async throws {
        let logger = RecordingLogger()
        try initPlatform(filter: "warn,banshitong_core=debug", logger: logger)
        try await withPlatform { platform in
            let client = try newClient(platform.baseUrl())
            try await platform.injectFault(pathPrefix: "/api/v1/health", status: 503, count: 1, retryAfterSecs: 0)
            _ = try await client.health()  // answered on the retry
        }
        let retries = logger.records.filter {
            $0.target.hasPrefix("banshitong_core") && $0.message.contains("retrying")
        }
        XCTAssertFalse(retries.isEmpty, "\(logger.records)")
        XCTAssertEqual(retries.first?.level, .debug)
    }
}
