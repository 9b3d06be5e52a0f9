import Banshitong
import XCTest

final class AuthTests: XCTestCase {
    func testSmsSignInWithTheSessionStateAsAnAsyncSequence() async throws {
        try await withPlatform { platform in
            let client = try newClient(platform.baseUrl())
            var states = client.auth().sessionUpdates().makeAsyncIterator()
            let first = await states.next()
            XCTAssertEqual(first, .signedOut)

            let profile = try await signIn(platform, client, "13800002221")

            XCTAssertEqual(profile.phone, "138****2221")
            guard case let .signedIn(seen, tier, actingAs)? = await states.next() else {
                return XCTFail("expected signedIn")
            }
            XCTAssertEqual(seen, profile)
            XCTAssertEqual(tier, .registered)
            XCTAssertNil(actingAs)
        }
    }

    func testAWrongCodeNamesTheField() async throws {
        try await withPlatform { platform in
            let client = try newClient(platform.baseUrl())
            _ = try await client.auth().sendSmsCode(phone: "13800002222")
            let right = try await platform.smsCode(phone: "13800002222")
            let wrong = right == "000000" ? "111111" : "000000"
            let error = await expectFailure { try await client.auth().signInWithSms(phone: "13800002222", code: wrong) }
            XCTAssertEqual(error?.kind, .validation)
            XCTAssertEqual(error?.field, "code")
        }
    }

    func testRefreshAfterExpiryIsTransparentAndSingle() async throws {
        try await withPlatform { platform in
            let client = try newClient(platform.baseUrl())
            _ = try await signIn(platform, client, "13800002223")
            let before = try await platform.refreshGrants()
            try await platform.expireAccessTokens()

            let profile = try await client.auth().profile()

            XCTAssertEqual(profile.phone, "138****2223")
            let after = try await platform.refreshGrants()
            XCTAssertEqual(after, before + 1)
        }
    }

    func testSignOutKeepsOrWipesTheUsersData() async throws {
        try await withPlatform { platform in
            let client = try newClient(platform.baseUrl())
            _ = try await signIn(platform, client, "13800002224")
            try await client.setMyPreference(key: "region", value: "530102")

            try await client.auth().signOut(wipeLocalData: false)
            XCTAssertEqual(client.auth().state(), .signedOut)
            let signedOut = await expectFailure { try await client.myPreference(key: "region") }
            XCTAssertEqual(signedOut?.kind, .unauthorized)

            platform.advanceClockSecs(seconds: 61)
            _ = try await signIn(platform, client, "13800002224")
            let kept = try await client.myPreference(key: "region")
            XCTAssertEqual(kept, "530102")

            try await client.auth().signOut(wipeLocalData: true)
            platform.advanceClockSecs(seconds: 61)
            _ = try await signIn(platform, client, "13800002224")
            let wiped = try await client.myPreference(key: "region")
            XCTAssertNil(wiped)
        }
    }

    func testTheTierNeededIsNamed() async throws {
        try await withPlatform { platform in
            let client = try newClient(platform.baseUrl())
            _ = try await signIn(platform, client, "13800002225")
            let error = await expectFailure {
                try await client.auth().addCompany(uscc: "91350100M000100Y43", name: "云南示例科技有限公司")
            }
            XCTAssertEqual(error?.kind, .tierRequired)
            XCTAssertEqual(error?.requiredTier, "verified")
        }
    }
}
