import Banshitong
import Foundation
import XCTest

/// Materials need a signed-in user, not a catalog: a small one starts fast.
private let guides: UInt32 = 50

/// Small chunks, so a 2 MiB upload is 32 requests and has progress to show.
private let chunkBytes: UInt64 = 64 * 1024

/// An upload on this machine's loopback ends well within this.
private let uploadSeconds = 30.0

private func signedInMaterials(
    _ platform: ReferencePlatform, _ phone: String
) async throws -> (BstClient, BstMaterials) {
    let client = try newClient(platform.baseUrl()) { $0.uploads.chunkBytes = chunkBytes }
    try await signIn(platform, client, phone)
    return (client, try await client.materials())
}

/// The item once its state satisfies `condition`; fails the test after `uploadSeconds`.
private func awaitState(
    _ materials: BstMaterials, _ id: String, file: StaticString = #filePath, line: UInt = #line,
    _ condition: @escaping @Sendable (UploadState) -> Bool
) async throws -> UploadItem {
    let task = Task<UploadItem?, Never> {
        for await items in materials.uploadsUpdates() {
            if let item = items.first(where: { $0.id == id }), condition(item.state) { return item }
        }
        return nil
    }
    let found: UploadItem?? = await value(of: task, within: uploadSeconds)
    guard let item = found ?? nil else {
        XCTFail("the upload never reached the state", file: file, line: line)
        throw CancellationError()
    }
    return item
}

/// Every progress of one upload, until its final state.
private func allProgress(_ materials: BstMaterials, _ id: String) async throws -> [UploadProgress] {
    let updates = try await materials.uploadUpdates(id: id)
    let task = Task<[UploadProgress], Never> {
        var seen: [UploadProgress] = []
        for await progress in updates { seen.append(progress) }
        return seen
    }
    let seen = await value(of: task, within: uploadSeconds)
    return try XCTUnwrap(seen, "the upload did not end")
}

private func isDone(_ state: UploadState) -> Bool {
    if case .done = state { true } else { false }
}

final class MaterialsTests: XCTestCase {
    func testAPdfUploadsWithProgressAndIsInTheLibraryAndNeverSentTwice() async throws {
        try await withPlatform(guides: guides) { platform in
            let (_, materials) = try await signedInMaterials(platform, "13900008001")
            let size: UInt64 = 2 * 1024 * 1024
            let pdf = try samplePdf(size, seed: 1)

            let item = try await materials.add(request: addMaterialFile(path: pdf))
            XCTAssertEqual(item.mediaType, .pdf)
            XCTAssertEqual(item.totalBytes, size, "a PDF passes through as it is")
            XCTAssertEqual(item.displayName, "scan-1.pdf")
            let events = try await allProgress(materials, item.id)

            // Bytes only go up, and the stream ends with the final state.
            let sent = events.map(\.sentBytes)
            XCTAssertEqual(sent, sent.sorted(), "progress never goes back")
            XCTAssertTrue(events.allSatisfy { $0.totalBytes == size && $0.id == item.id })
            let last = try XCTUnwrap(events.last)
            guard case let .done(materialRef, reuse) = last.state else {
                return XCTFail("ended \(last.state)")
            }
            XCTAssertEqual(reuse, .uploaded)
            XCTAssertEqual(last.sentBytes, size)
            XCTAssertTrue(events.dropLast().allSatisfy { !$0.state.isFinal }, "one final state, at the end")

            // The platform received each byte once, and lists the material.
            let onServer = try await platform.uploadsOnServer()
            XCTAssertEqual(onServer.count, 1)
            XCTAssertEqual(onServer.first?.finished, true)
            XCTAssertEqual(onServer.first?.receivedBytes, size)
            XCTAssertEqual(onServer.first?.materialId, materialRef)
            let library = try await materials.library()
            let mine = try XCTUnwrap(library.mine.first)
            XCTAssertEqual(library.mine.count, 1)
            XCTAssertEqual(mine.id, materialRef)
            XCTAssertEqual(mine.sha256, item.sha256)
            XCTAssertEqual(mine.size, size)
            XCTAssertEqual(mine.mediaType, .pdf)

            // The same file again: the platform has it, nothing is sent.
            let again = try await materials.add(
                request: addMaterialFile(path: try samplePdf(size, seed: 1, name: "again.pdf")))
            XCTAssertEqual(again.state, .done(materialRef: materialRef, reuse: .sameFile))
            let stillOne = try await platform.uploadsOnServer()
            XCTAssertEqual(stillOne.count, 1)
        }
    }

    func testPauseResumeAndCancelWhileThePlatformTurnsUploadsAway() async throws {
        try await withPlatform(guides: guides) { platform in
            let (_, materials) = try await signedInMaterials(platform, "13900008002")
            // Every upload request fails until the faults are cleared: the
            // items wait to try again, deterministically, whatever the timing.
            try await platform.injectFault(
                pathPrefix: "/api/v1/uploads", status: 503, count: 1000, retryAfterSecs: nil)

            let kept = try await materials.add(request: addMaterialFile(path: try samplePdf(256 * 1024, seed: 2)))
            let waiting = try await awaitState(materials, kept.id) {
                if case .retryWaiting = $0 { true } else { false }
            }
            guard case let .retryWaiting(_, _, lastError) = waiting.state else { return XCTFail() }
            XCTAssertFalse(lastError.isEmpty)
            let paused = try await materials.pause(id: kept.id)
            XCTAssertEqual(paused.state, .paused)

            let dropped = try await materials.add(
                request: addMaterialFile(path: try samplePdf(256 * 1024, seed: 3)))
            _ = try await awaitState(materials, dropped.id) {
                if case .retryWaiting = $0 { true } else { false }
            }
            let cancelled = try await materials.cancel(id: dropped.id)
            XCTAssertEqual(cancelled.state, .cancelled)

            // A paused item stays paused, network or not.
            try await platform.clearFaults()
            try await settle()
            let still = try await materials.uploads().first { $0.id == kept.id }
            XCTAssertEqual(still?.state, .paused)

            _ = try await materials.resume(id: kept.id)
            let finished = try await materials.wait(id: kept.id)
            XCTAssertTrue(isDone(finished.state), "\(finished.state)")
            XCTAssertEqual(finished.sentBytes, finished.totalBytes)
            let server = try await platform.uploadsOnServer()
            XCTAssertEqual(server.filter(\.finished).count, 1)

            let cleared = try await materials.clearFinished()
            XCTAssertEqual(cleared, 2)
            let left = try await materials.uploads()
            XCTAssertEqual(left, [])
            let gone = await expectFailure { try await materials.pause(id: kept.id) }
            XCTAssertEqual(gone?.kind, .notFound)
        }
    }

    func testFilesThatAreNotMaterialsAreRefusedWithTheirProblem() async throws {
        try await withPlatform(guides: guides) { platform in
            let signedOut = try newClient(platform.baseUrl())
            let unauthorized = await expectFailure { try await signedOut.materials() }
            XCTAssertEqual(unauthorized?.kind, .unauthorized)
            let (_, materials) = try await signedInMaterials(platform, "13900008003")

            // Text named like a PDF: the type is judged by content.
            let text = try temporaryFile("notes.pdf")
            try Data("this is not a PDF".utf8).write(to: URL(fileURLWithPath: text))
            let notPdf = await expectFailure { try await materials.add(request: addMaterialFile(path: text)) }
            XCTAssertEqual(notPdf?.kind, .badMaterial)
            XCTAssertEqual(notPdf?.materialProblem, .unsupportedType)

            // A photo cut off half way.
            let photo = try temporaryFile("photo.jpg")
            _ = try testingWriteSamplePhoto(path: photo)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: photo))
            let cut = try temporaryFile("cut.jpg")
            try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: cut))
            let truncated = await expectFailure { try await materials.add(request: addMaterialFile(path: cut)) }
            XCTAssertEqual(truncated?.kind, .badMaterial)
            XCTAssertEqual(truncated?.materialProblem, .unreadable)

            // Nothing was queued, nothing reached the platform.
            let queued = try await materials.uploads()
            XCTAssertEqual(queued, [])
            let onServer = try await platform.uploadsOnServer()
            XCTAssertEqual(onServer.count, 0)
        }
    }

    func testASidewaysPhotoIsPreparedBeforeItLeaves() async throws {
        try await withPlatform(guides: guides) { platform in
            let (_, materials) = try await signedInMaterials(platform, "13900008004")
            let photo = try temporaryFile("IMG_0001.jpg")
            let original = try testingWriteSamplePhoto(path: photo)
            let request = AddMaterial(
                path: photo, displayName: "营业执照照片", draftId: nil, slotKey: nil, maxSidePx: 800,
                jpegQuality: 80)

            let item = try await materials.add(request: request)
            XCTAssertEqual(item.mediaType, .jpeg)
            XCTAssertEqual(item.displayName, "营业执照照片")
            XCTAssertLessThan(item.totalBytes, original, "scaled to 800 px and re-encoded")
            let done = try await materials.wait(id: item.id)
            XCTAssertTrue(isDone(done.state), "\(done.state)")
            let onServer = try await platform.uploadsOnServer()
            XCTAssertEqual(onServer.first?.length, item.totalBytes)
        }
    }

    func testAnExportedFileIsAddedAndItsTemporaryCopyRemoved() async throws {
        try await withPlatform(guides: guides) { platform in
            let (_, materials) = try await signedInMaterials(platform, "13900008005")
            let pdf = try Data(contentsOf: URL(fileURLWithPath: try samplePdf(100 * 1024, seed: 5)))

            let written = Locked<URL?>(nil)
            let item = try await materials.addExported(fileName: "身份证复印件.PDF") { file in
                try pdf.write(to: file)
                written.withValue { $0 = file }
            }
            XCTAssertEqual(item.displayName, "身份证复印件.PDF")
            XCTAssertEqual(item.totalBytes, UInt64(pdf.count))
            let file = try XCTUnwrap(written.withValue { $0 })
            XCTAssertFalse(FileManager.default.fileExists(atPath: file.path), "the copy is gone once added")
            let done = try await materials.wait(id: item.id)
            XCTAssertTrue(isDone(done.state), "\(done.state)")

            // A copy of a file that is not there: the file's problem, typed.
            let missing = URL(fileURLWithPath: try temporaryFile("gone.pdf"))
            let failure = await expectFailure { try await materials.addCopy(of: missing) }
            XCTAssertEqual(failure?.kind, .badMaterial)
            XCTAssertEqual(failure?.materialProblem, .unreadable)
        }
    }

    func testABackgroundRunStopsAtItsBudgetAndFinishesTheNextTime() async throws {
        try await withPlatform(guides: guides) { platform in
            let (client, materials) = try await signedInMaterials(platform, "13900008006")
            try await platform.injectFault(
                pathPrefix: "/api/v1/uploads", status: 503, count: 1000, retryAfterSecs: nil)
            let item = try await materials.add(request: addMaterialFile(path: try samplePdf(512 * 1024, seed: 6)))

            // The platform turns it away: the run gives up at its budget, the item stays queued.
            let short = await client.resumePendingUploads(budget: 0.5)
            guard case let .moreLeft(report) = short else { return XCTFail("\(short)") }
            XCTAssertTrue(report.stoppedByDeadline)
            XCTAssertEqual(report.remaining, 1)
            XCTAssertTrue(short.needsAnotherRun)
            XCTAssertTrue(short.succeeded)

            try await platform.clearFaults()
            let full = await client.resumePendingUploads(budget: 30)
            guard case let .allSent(done) = full else { return XCTFail("\(full)") }
            XCTAssertEqual(done.remaining, 0)
            XCTAssertFalse(full.needsAnotherRun)
            let finished = try await materials.wait(id: item.id)
            XCTAssertTrue(isDone(finished.state), "\(finished.state)")

            // Signed out: nobody's uploads, nothing to schedule.
            try await client.auth().signOut(wipeLocalData: false)
            let signedOut = await client.resumePendingUploads(budget: 1)
            guard case .signedOut = signedOut else { return XCTFail("\(signedOut)") }
            XCTAssertFalse(signedOut.needsAnotherRun)
        }
    }
}
