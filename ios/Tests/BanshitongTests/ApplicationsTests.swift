import Banshitong
import Foundation
import XCTest

/// Small catalogs keep these fast; 300 guides hold the ID-card item.
private let guides: UInt32 = 300

/// A signed-in user on a fresh device with one submitted application,
/// synced to the device.
private struct Applicant {
    let client: BstClient
    let userId: String
    let applicationNo: String
    /// The uploaded scan, to answer a supplement request with.
    let scanRef: String
    let applications: BstApplications
}

/// Signs `phone` in, uploads one scan and submits an ID-card application
/// with that scan in every slot; waits until the platform has numbered it,
/// then syncs once so the device holds it.
private func submitApplication(_ platform: ReferencePlatform, _ phone: String) async throws -> Applicant {
    let client = try newClient(platform.baseUrl())
    _ = try await client.catalog().sync(listener: nil)
    let profile = try await signIn(platform, client, phone)

    let materials = try await client.materials()
    let scan = try await materials.add(request: addMaterialFile(path: try samplePdf(4096, seed: 7)))
    guard case let .done(scanRef, _) = try await materials.wait(id: scan.id).state else {
        XCTFail("the scan was not uploaded")
        throw CancellationError()
    }

    let drafts = try await client.drafts()
    let draft = try await drafts.create(guideCode: try await firstGuide(client, "居民身份证"))
    try await fillUntilValid(drafts, draft.id) { slot in
        _ = try await drafts.setMaterials(id: draft.id, slotKey: slot, refs: [scanRef])
    }
    let outcome = try await drafts.submit(id: draft.id)
    XCTAssertEqual(outcome, .queued)
    let submitted = try await first(drafts.draftUpdates(id: draft.id)) { $0.state != .submitting }
    guard case let .submitted(applicationNo) = submitted.state else {
        XCTFail("the application was not numbered: \(submitted.state) \(submitted.submitError ?? "")")
        throw CancellationError()
    }
    let applications = try await client.applications()
    _ = try await applications.sync()
    return Applicant(
        client: client, userId: profile.userId, applicationNo: applicationNo, scanRef: scanRef,
        applications: applications)
}

/// Runs `body` against a fresh platform on which `phone` has submitted one
/// application.
private func withApplicant(
    _ phone: String, _ body: (ReferencePlatform, Applicant) async throws -> Void
) async throws {
    try await withPlatform(guides: guides) { platform in
        try await body(platform, try await submitApplication(platform, phone))
    }
}

final class ApplicationsTests: XCTestCase {
    func testAStatusChangeArrivesAfterASyncThenLiveOverSse() async throws {
        try await withApplicant("13900004401") { platform, applicant in
            let no = applicant.applicationNo
            let applications = applicant.applications

            let seen = Recorder<ApplicationStatus?>()
            let events = Recorder<ApplicationEvent>()
            let eventStream = applications.applicationEvents()
            let listening = Task { for await event in eventStream { events.record(event) } }
            let updates = applications.applicationUpdates(applicationNo: no)
            let watching = Task { for await application in updates { seen.record(application?.status) } }
            try await seen.waitFor(1)
            XCTAssertEqual(seen.values.first, .submitted, "the device's copy first")

            // The office accepts it; the device hears of it at its next sync.
            let accepted = try await platform.advanceApplication(applicationNo: no, action: "accept")
            XCTAssertEqual(accepted.status, "accepted")
            _ = try await applications.sync()
            try await seen.waitFor(2)
            XCTAssertEqual(seen.values.last, .accepted)
            try await events.waitFor(1)
            XCTAssertEqual(events.values.first, .statusChanged(applicationNo: no, from: .submitted, to: .accepted))

            // In the foreground the live connection brings the next change without a sync.
            applications.setForeground(foreground: true)
            let live = try await first(applications.liveStateUpdates()) { $0 == .live }
            XCTAssertEqual(live, .live)
            let asked = Date()
            _ = try await platform.advanceApplication(applicationNo: no, action: "start_review")
            try await seen.waitFor(3)
            XCTAssertEqual(seen.values.last, .underReview)
            print("ApplicationsTests: a status change reached the stream live in \(Int(Date().timeIntervalSince(asked) * 1000)) ms")

            let list = try await first(applications.applicationsUpdates(filter: .inProgress)) { list in
                list.first?.status == .underReview
            }
            XCTAssertEqual(list.map(\.applicationNo), [no])

            applications.setForeground(foreground: false)
            let off = try await first(applications.liveStateUpdates()) { $0 == .off }
            XCTAssertEqual(off, .off)
            watching.cancel()
            listening.cancel()
            XCTAssertEqual(seen.values, [.submitted, .accepted, .underReview], "each state once")
        }
    }

    func testAnApplicationIsWithdrawnOnceAndReadOffline() async throws {
        try await withApplicant("13900004402") { platform, applicant in
            let no = applicant.applicationNo
            let applications = applicant.applications

            let withdrawn = try await applications.withdraw(applicationNo: no, reason: "信息填错了")
            XCTAssertEqual(withdrawn.status, .withdrawn)
            XCTAssertFalse(withdrawn.canWithdraw)
            XCTAssertEqual(withdrawn.timeline.last?.kind, .withdrawn)
            let again = try await applications.withdraw(applicationNo: no, reason: nil)
            XCTAssertEqual(again.changeSeq, withdrawn.changeSeq, "a retry is harmless")
            let inProgress = try await applications.list(filter: .inProgress)
            XCTAssertTrue(inProgress.isEmpty)
            let done = try await applications.list(filter: .done)
            XCTAssertEqual(done.map(\.applicationNo), [no])
            _ = await expectFailure { try await platform.advanceApplication(applicationNo: no, action: "accept") }

            try await platform.stop()
            let offline = try await applications.get(applicationNo: no)
            XCTAssertEqual(offline.status, .withdrawn)
            let refreshed = await expectFailure { try await applications.refresh(applicationNo: no) }
            XCTAssertEqual(refreshed?.kind, .offline)
        }
    }

    func testAPushFromThePlatformSyncsAndAMalformedOrForeignOneIsIgnored() async throws {
        try await withApplicant("13900004403") { platform, applicant in
            let no = applicant.applicationNo
            let applications = applicant.applications

            _ = try await platform.advanceApplication(applicationNo: no, action: "accept")
            let outbox = try await platform.pushOutbox(userId: applicant.userId)
            let push = try XCTUnwrap(outbox.last, "the platform sent no push")
            XCTAssertEqual(push["status"], "accepted")

            // As APNs delivers it: the custom keys beside `aps`, the sequence as a number.
            var userInfo: [AnyHashable: Any] = ["aps": ["content-available": 1]]
            for (key, value) in push { userInfo[key] = value }
            userInfo["change_seq"] = Int(push["change_seq"] ?? "")
            let payload = pushPayload(userInfo: userInfo)
            XCTAssertEqual(payload, push)

            let handled = await applicant.client.handlePush(payload: payload)
            XCTAssertEqual(handled, .synced(changed: [no], removed: 0))
            let stored = try await applications.get(applicationNo: no)
            XCTAssertEqual(stored.status, .accepted)
            let twice = await applications.handlePush(payload: payload)
            XCTAssertEqual(twice, .synced(changed: [], removed: 0), "a doubled push changes nothing")

            var malformed = push
            malformed["change_seq"] = "not a number"
            let ignoredMalformed = await applications.handlePush(payload: malformed)
            XCTAssertEqual(ignoredMalformed, .ignored(reason: .malformed))
            var foreign = push
            foreign["user"] = "u_someone_else"
            let ignoredForeign = await applications.handlePush(payload: foreign)
            XCTAssertEqual(ignoredForeign, .ignored(reason: .otherUser))
            let notOurs = await applications.handlePush(payload: ["from": "another-sdk"])
            XCTAssertEqual(notOurs, .ignored(reason: .notOurs))
            let nobodyHere = try newClient(platform.baseUrl())
            let signedOut = await nobodyHere.handlePush(payload: push)
            XCTAssertEqual(signedOut, .ignored(reason: .signedOut))
        }
    }

    func testABackgroundRunSyncsWithinItsBudgetAndSignedOutIsNoFailure() async throws {
        try await withApplicant("13900004404") { platform, applicant in
            let nobodyHere = try newClient(platform.baseUrl())
            guard case .signedOut = await nobodyHere.backgroundApplicationSync(budget: 10) else {
                return XCTFail("a run with nobody signed in has nothing to do")
            }

            let no = applicant.applicationNo
            _ = try await platform.advanceApplication(applicationNo: no, action: "accept")

            let outcome = await applicant.client.backgroundApplicationSync(budget: 10)
            guard case let .synced(report) = outcome else { return XCTFail("\(outcome)") }
            XCTAssertEqual(report.applicationsChanged, 1)
            XCTAssertTrue(outcome.succeeded)
            XCTAssertTrue(outcome.changedAnything)
            let stored = try await applicant.applications.get(applicationNo: no)
            XCTAssertEqual(stored.status, .accepted)
        }
    }

    func testASupplementRoundIsAnsweredOnceAndTheReviewGoesOn() async throws {
        try await withApplicant("13900004405") { platform, applicant in
            let no = applicant.applicationNo
            let applications = applicant.applications
            _ = try await platform.advanceApplication(applicationNo: no, action: "accept")
            _ = try await platform.advanceApplication(applicationNo: no, action: "request_supplement")
            _ = try await applications.sync()
            let asked = try await applications.get(applicationNo: no)
            XCTAssertEqual(asked.status, .supplementRequired)
            XCTAssertEqual(asked.needsAction, .supplement)
            let request = try XCTUnwrap(asked.supplement)

            let answer = try await applications.startSupplement(applicationNo: no)
            let again = try await applications.startSupplement(applicationNo: no)
            XCTAssertEqual(again.id, answer.id, "starting again gives the same draft")
            guard case .invalid = try await applications.submitSupplement(draftId: answer.id) else {
                return XCTFail("an empty answer is not sent")
            }
            let drafts = try await applicant.client.drafts()
            for material in request.materials {
                _ = try await drafts.setMaterials(id: answer.id, slotKey: material.key, refs: [applicant.scanRef])
            }
            let sent = try await applications.submitSupplement(draftId: answer.id)
            XCTAssertEqual(sent, .queued)

            let review = try await first(applications.applicationUpdates(applicationNo: no)) { application in
                application?.status == .underReview
            }
            let reviewed = try XCTUnwrap(review, "the answer did not move the application on")
            XCTAssertNil(reviewed.needsAction)
            XCTAssertTrue(reviewed.timeline.contains { $0.kind == .supplementAnswered })
            guard case .alreadySent = try await applications.submitSupplement(draftId: answer.id) else {
                return XCTFail("an answer is sent once")
            }
        }
    }
}
