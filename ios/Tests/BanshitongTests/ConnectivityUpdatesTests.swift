import Banshitong
import Foundation
import XCTest

final class ConnectivityUpdatesTests: XCTestCase {
    func testTheCurrentValueComesFirstThenEachChange() async throws {
        try await withPlatform { platform in
            let client = try newClient(platform.baseUrl())
            let seen = Recorder<Connectivity>()
            let consumer = Task {
                for await state in client.connectivityUpdates() { seen.record(state) }
            }
            defer { consumer.cancel() }

            try await seen.waitFor(1)
            XCTAssertEqual(seen.values, [.unknown])
            _ = try await client.health()
            try await seen.waitFor(2)
            XCTAssertEqual(seen.values, [.unknown, .online])
            try await platform.stop()
            _ = await expectFailure { try await client.health() }
            try await seen.waitFor(3)
            XCTAssertEqual(seen.values, [.unknown, .online, .offline])
        }
    }

    func testCancellingTheHandleStopsDeliveriesAndEndsTheStream() async throws {
        try await withPlatform { platform in
            let client = try newClient(platform.baseUrl())
            let calls = Recorder<Connectivity>()
            var subscription: SubscriptionHandle?
            let updates = subscriptionUpdates { deliver in
                let handle = client.watchConnectivity(listener: CountingListener(calls, deliver))
                subscription = handle
                return handle
            }
            let handle = try XCTUnwrap(subscription)
            let consumer = Task {
                var seen: [Connectivity] = []
                for await state in updates { seen.append(state) }
                return seen
            }

            try await calls.waitFor(1)
            XCTAssertTrue(handle.isActive())
            handle.cancel()
            XCTAssertFalse(handle.isActive())
            _ = try await client.health()
            try await settle()
            XCTAssertEqual(calls.values, [.unknown], "no delivery after cancel()")
            // The core let go of the listener, so the loop ended by itself.
            let seen = await value(of: consumer, within: 5)
            XCTAssertEqual(seen, [.unknown])
        }
    }

    func testCancellingTheConsumingTaskCancelsTheHandle() async throws {
        try await withPlatform { platform in
            let client = try newClient(platform.baseUrl())
            // Counts the calls Rust makes: it shows the core stopped, not just the stream.
            let calls = Recorder<Connectivity>()
            var subscription: SubscriptionHandle?
            let updates = subscriptionUpdates { deliver in
                let handle = client.watchConnectivity(listener: CountingListener(calls, deliver))
                subscription = handle
                return handle
            }
            let handle = try XCTUnwrap(subscription)
            let consumer = Task {
                for await _ in updates {}
            }

            try await calls.waitFor(1)
            XCTAssertTrue(handle.isActive())
            consumer.cancel()
            await consumer.value
            XCTAssertFalse(handle.isActive())
            _ = try await client.health()
            try await settle()
            XCTAssertEqual(calls.values, [.unknown], "Rust stopped calling once the task was cancelled")
        }
    }

    func testLeavingTheLoopCancelsTheHandle() async throws {
        try await withPlatform { platform in
            let client = try newClient(platform.baseUrl())
            let calls = Recorder<Connectivity>()
            var subscription: SubscriptionHandle?
            var first: Connectivity?
            for await state in subscriptionUpdates({ deliver in
                let handle = client.watchConnectivity(listener: CountingListener(calls, deliver))
                subscription = handle
                return handle
            }) {
                first = state
                break
            }
            XCTAssertEqual(first, .unknown)
            // Released with its iterator at the end of the loop.
            XCTAssertEqual(subscription?.isActive(), false)
            _ = try await client.health()
            try await settle()
            XCTAssertEqual(calls.values, [.unknown])
        }
    }

    func testAListenerThatThrowsDoesNotStopTheSubscription() async throws {
        try await withPlatform { platform in
            let client = try newClient(platform.baseUrl())
            let listener = RecordingConnectivityListener(throwing: true)
            let handle = client.watchConnectivity(listener: listener)
            try await listener.recorder.waitFor(1)
            _ = try await client.health()
            try await listener.recorder.waitFor(2)
            XCTAssertEqual(listener.recorder.values, [.unknown, .online])
            XCTAssertTrue(handle.isActive())
            handle.cancel()
        }
    }
}
