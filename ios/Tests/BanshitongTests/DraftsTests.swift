import Banshitong
import Foundation
import XCTest

/// Small catalogs keep these fast; 300 guides hold the ID-card and marriage items.
private let guides: UInt32 = 300

/// A catalog synced, then signed in (drafts need a user).
private func signedInClient(_ platform: ReferencePlatform, _ phone: String) async throws -> BstClient {
    let client = try newClient(platform.baseUrl())
    _ = try await client.catalog().sync(listener: nil)
    try await signIn(platform, client, phone)
    return client
}

/// Fills the draft until it is valid; a missing material is uploaded into
/// its slot, since the platform takes only the applicant's own materials: a
/// PDF (another one each time) where the slot takes one, else the sample
/// photo.
private func fillByUploading(_ client: BstClient, _ drafts: BstDrafts, _ id: String) async throws {
    let schema = try await drafts.schema(id: id)
    var uploads: UInt64 = 0
    try await fillUntilValid(drafts, id) { key in
        let slot = try XCTUnwrap(schema.materialSlots.first { $0.key == key })
        uploads += 1
        let file = slot.acceptedTypes.contains("pdf") ? try samplePdf(4096, seed: uploads) : try samplePhoto()
        let materials = try await client.materials()
        let request = AddMaterial(
            path: file, displayName: nil, draftId: id, slotKey: key, maxSidePx: nil, jpegQuality: nil)
        let item = try await materials.add(request: request)
        let done = try await materials.wait(id: item.id)
        guard case .done = done.state else { return XCTFail("\(key): \(done.state)") }
    }
}

final class DraftsTests: XCTestCase {
    func testADraftIsCheckedSubmittedOnceAndFollowedToItsApplicationNumber() async throws {
        try await withPlatform(guides: guides) { platform in
            let client = try await signedInClient(platform, "13900002221")
            let drafts = try await client.drafts()
            let draft = try await drafts.create(guideCode: try await firstGuide(client, "居民身份证"))
            XCTAssertEqual(draft.revision, 1)
            XCTAssertEqual(draft.state, .editing)

            // Autosave reports the revision; a bad ID number is flagged as typed, in Chinese.
            let schema = try await drafts.schema(id: draft.id)
            XCTAssertEqual(schema.id, draft.schemaId)
            let idField = try XCTUnwrap(schema.fields.first { $0.kind == .idNumber })
            let saved = try await drafts.setField(id: draft.id, path: idField.key, valueJson: json("110105194912310021"))
            XCTAssertEqual(saved.revision, 2)
            XCTAssertEqual(saved.fieldErrors.count, 1)
            let typed = try XCTUnwrap(saved.fieldErrors.first)
            XCTAssertEqual(typed.code, .idChecksum)
            XCTAssertEqual(typed.path, idField.key)
            XCTAssertTrue(typed.message.contains("校验"), typed.message)

            // The whole form has problems; submitting queues nothing.
            let errors = try await drafts.validate(id: draft.id)
            XCTAssertTrue(errors.contains { $0.code == .idChecksum && $0.path == idField.key }, "\(errors)")
            let invalid = try await drafts.submit(id: draft.id)
            XCTAssertEqual(invalid, .invalid(errors: errors))
            let empty = try await drafts.outboxStatus()
            XCTAssertEqual(empty.pending, 0)

            try await fillByUploading(client, drafts, draft.id)
            let none = try await drafts.validate(id: draft.id)
            XCTAssertEqual(none, [])

            // Every outbox status, from before the submission on.
            let seen = Recorder<OutboxStatus>()
            let watching = Task {
                for await status in drafts.outboxUpdates() { seen.record(status) }
            }
            try await seen.waitFor(1)
            // The first delivery attempts fail, so the submission waits in the
            // outbox (until its back-off ends, or we say the network is back).
            try await platform.injectFault(pathPrefix: "/api/v1/applications", status: 503, count: 2, retryAfterSecs: nil)
            let queued = try await drafts.submit(id: draft.id)
            XCTAssertEqual(queued, .queued)
            try await eventually {
                seen.values.contains { $0.pending == 1 && $0.lastError != nil && $0.nextAttemptAtMs != nil }
            }
            drafts.networkAvailable()

            let submitted = try await first(drafts.draftUpdates(id: draft.id)) { $0.state != .submitting }
            guard case let .submitted(applicationNo) = submitted.state else {
                return XCTFail("expected submitted, got \(submitted.state): \(submitted.submitError ?? "")")
            }
            XCTAssertTrue(applicationNo.hasPrefix("YN"), applicationNo)
            try await eventually { seen.values.last?.pending == 0 }
            watching.cancel()
            let statuses = seen.values
            XCTAssertNil(statuses.last?.lastError)
            XCTAssertTrue(statuses.allSatisfy { $0.pending <= 1 }, "one application queued: \(statuses)")
            let status = try await drafts.outboxStatus()
            XCTAssertEqual(status.pending, 0)
            let count = try await platform.applicationsOnServer()
            XCTAssertEqual(count, 1)

            // Pressing again changes nothing, and a submitted draft is no longer editable.
            let again = try await drafts.submit(id: draft.id)
            XCTAssertEqual(again, .alreadySubmitted(applicationNo: applicationNo))
            let still = try await platform.applicationsOnServer()
            XCTAssertEqual(still, 1)
            _ = await expectFailure {
                try await drafts.setField(id: draft.id, path: idField.key, valueJson: json("11010519491231002X"))
            }
        }
    }

    func testListDuplicateDeleteSyncAndGroupsCross() async throws {
        try await withPlatform(guides: guides) { platform in
            let signedOut = try newClient(platform.baseUrl())
            let unauthorized = await expectFailure { try await signedOut.drafts() }
            XCTAssertEqual(unauthorized?.kind, .unauthorized)

            let client = try await signedInClient(platform, "13900002222")
            let drafts = try await client.drafts()
            let draft = try await drafts.create(guideCode: try await firstGuide(client, "结婚登记"))
            let notJson = await expectFailure { try await drafts.setField(id: draft.id, path: "remarks", valueJson: "not json") }
            XCTAssertEqual(notJson?.kind, .invalidInput)
            let badRef = await expectFailure { try await drafts.setMaterials(id: draft.id, slotKey: "x", refs: ["licence:"]) }
            XCTAssertEqual(badRef?.kind, .invalidInput)

            // A repeated group (the other party): add two items, remove the first.
            let schema = try await drafts.schema(id: draft.id)
            let group = try XCTUnwrap(schema.fields.first { if case .group = $0.kind { true } else { false } })
            _ = try await drafts.setField(id: draft.id, path: group.key, valueJson: json([["name": "甲"], ["name": "乙"]]))
            let removed = try await drafts.removeItem(id: draft.id, groupPath: group.key, index: 0)
            let reopened = try await drafts.open(id: draft.id)
            XCTAssertEqual(reopened.revision, removed.revision)
            XCTAssertTrue(reopened.valuesJson.contains("乙") && !reopened.valuesJson.contains("甲"), reopened.valuesJson)

            let copy = try await drafts.duplicate(id: draft.id)
            XCTAssertTrue(copy.title.hasSuffix("（副本）"), copy.title)
            let both = try await drafts.list()
            XCTAssertEqual(Set(both.map(\.id)), [draft.id, copy.id])

            // A watch on a draft ends when the draft is deleted.
            let watch = Task { for await _ in drafts.draftUpdates(id: copy.id) {} }
            try await drafts.delete(id: copy.id)
            let left = try await drafts.list()
            XCTAssertEqual(left.map(\.id), [draft.id])
            let ended: Void? = await value(of: watch, within: 5)
            XCTAssertNotNil(ended, "the stream ended")

            let report = try await drafts.sync()
            XCTAssertGreaterThanOrEqual(report.pushed, 1, "\(report)")
            let synced = try await drafts.open(id: draft.id)
            XCTAssertTrue(synced.synced)
            let integrity = try await drafts.integrityCheck()
            XCTAssertEqual(integrity, "ok")
        }
    }
}
