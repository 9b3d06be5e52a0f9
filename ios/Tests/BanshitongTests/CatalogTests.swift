import Banshitong
import Foundation
import XCTest

/// Small catalogs keep these fast; 300 guides still hold every item kind.
private let guides: UInt32 = 300

private func pagesOf(_ size: UInt32) -> SyncOptions {
    SyncOptions(snapshotOnFirstInstall: false, pageSize: size)
}

private func guideFilters(theme: String? = nil, regionCode: String? = nil) -> GuideFilters {
    GuideFilters(regionCode: regionCode, departmentCode: nil, theme: theme, audience: nil, minOnlineDepth: nil)
}

private func request(
    _ query: String, filters: GuideFilters = guideFilters(), limit: UInt32 = 0, pageToken: String? = nil
) -> SearchRequest {
    SearchRequest(query: query, filters: filters, preferRegionCode: nil, pageToken: pageToken, limit: limit)
}

private func highlighted(_ spans: [TextSpan]) -> [String] {
    spans.filter(\.highlighted).map(\.text)
}

/// Keeps every step a sync reports; the core calls it from its own threads.
private final class RecordingSyncListener: SyncListener {
    let steps = Recorder<SyncProgress>()
    private let onEach: @Sendable (SyncProgress) throws -> Void

    init(_ onEach: @escaping @Sendable (SyncProgress) throws -> Void = { _ in }) {
        self.onEach = onEach
    }

    func onProgress(progress: SyncProgress) throws {
        steps.record(progress)
        try onEach(progress)
    }
}

/// Every hit of a search, page by page.
private func allHits(_ catalog: BstCatalog, _ query: String, _ filters: GuideFilters) async throws -> [SearchHit] {
    var hits: [SearchHit] = []
    var token: String?
    repeat {
        let page = try await catalog.search(request: request(query, filters: filters, limit: 100, pageToken: token))
        hits += page.hits
        token = page.nextPageToken
    } while token != nil
    return hits
}

final class CatalogTests: XCTestCase {
    func testAPagedSyncReportsEachStepInOrder() async throws {
        try await withPlatform(guides: guides) { platform in
            let catalog = try newClient(platform.baseUrl()).catalog()
            let listener = RecordingSyncListener()
            let report = try await catalog.syncWith(options: pagesOf(50), listener: listener)

            XCTAssertTrue(report.completed && !report.usedSnapshot)
            XCTAssertEqual(report.pages, 6)
            XCTAssertEqual(report.guides, 300)
            let steps = listener.steps.values
            XCTAssertEqual(steps.first?.phase, .started)
            XCTAssertEqual(steps.last?.phase, .finished)
            let pages = steps.filter { $0.phase == .pageApplied }
            XCTAssertEqual(pages.map(\.pages), [1, 2, 3, 4, 5, 6])
            XCTAssertEqual(pages.map(\.remaining), [250, 200, 150, 100, 50, 0])
            XCTAssertEqual(steps.map(\.upserted), steps.map(\.upserted).sorted(), "counts only go up")
            XCTAssertEqual(steps.map(\.guides), steps.map(\.guides).sorted())
            let status = try await catalog.status()
            XCTAssertEqual(status.guides, 300)
            XCTAssertNotNil(status.lastSyncedAtMs)
            XCTAssertFalse(status.syncIncomplete)

            // Then only what changed.
            let changed = try await platform.mutateCatalog(upserts: 5, deletions: 3)
            let delta = try await catalog.sync(listener: nil)
            XCTAssertTrue(delta.completed && !delta.usedSnapshot)
            XCTAssertEqual(delta.upserted, 5)
            XCTAssertEqual(delta.deleted, 3)
            XCTAssertEqual(delta.guides, 297)
            let upserted = try await catalog.offlineGuide(code: changed.upserted[0])
            XCTAssertEqual(upserted?.revision, 2)
            let deleted = try await catalog.offlineGuide(code: changed.deleted[0])
            XCTAssertNil(deleted)
        }
    }

    func testAFirstInstallTakesTheSnapshot() async throws {
        try await withPlatform(guides: guides) { platform in
            let catalog = try newClient(platform.baseUrl()).catalog()
            let listener = RecordingSyncListener()
            let report = try await catalog.sync(listener: listener)
            XCTAssertTrue(report.completed && report.usedSnapshot)
            XCTAssertEqual(report.guides, 300)
            XCTAssertTrue(listener.steps.values.contains { $0.phase == .snapshotImported })
        }
    }

    func testCancelFromTheListenerStopsBetweenPagesAndTheNextSyncResumes() async throws {
        try await withPlatform(guides: guides) { platform in
            let catalog = try newClient(platform.baseUrl()).catalog()
            let listener = RecordingSyncListener { step in
                if step.phase == .pageApplied && step.pages == 2 { catalog.cancelSync() }
            }
            let stopped = try await catalog.syncWith(options: pagesOf(50), listener: listener)
            XCTAssertFalse(stopped.completed)
            XCTAssertEqual(stopped.pages, 2)
            XCTAssertEqual(stopped.guides, 100)
            XCTAssertEqual(listener.steps.values.last?.phase, .cancelled)
            let incomplete = try await catalog.status()
            XCTAssertTrue(incomplete.syncIncomplete)

            let resumed = try await catalog.syncWith(options: pagesOf(50), listener: nil)
            XCTAssertTrue(resumed.completed)
            XCTAssertEqual(resumed.pages, 4, "only the pages not applied before")
            XCTAssertEqual(resumed.guides, 300)
            let status = try await catalog.status()
            XCTAssertFalse(status.syncIncomplete)
        }
    }

    func testAListenerThatThrowsDoesNotStopTheSync() async throws {
        try await withPlatform(guides: guides) { platform in
            let catalog = try newClient(platform.baseUrl()).catalog()
            let listener = RecordingSyncListener { _ in throw ThrowingSecretStore.KeystoreUnavailable() }
            let report = try await catalog.syncWith(options: pagesOf(100), listener: listener)
            XCTAssertTrue(report.completed)
            XCTAssertEqual(report.guides, 300)
        }
    }

    func testSearchByChineseAndPinyinWithHighlights() async throws {
        try await withPlatform(guides: guides) { platform in
            let catalog = try newClient(platform.baseUrl()).catalog()
            _ = try await catalog.sync(listener: nil)
            for query in ["营业执照", "yyzz"] {
                let hits = try await catalog.search(request: request(query)).hits
                let byName = hits.filter { $0.matchedIn == .nameStart || $0.matchedIn == .name }
                XCTAssertFalse(byName.isEmpty, "\(query): \(hits.map(\.name))")
                XCTAssertEqual(Array(hits.prefix(byName.count)), byName, "\(query): name matches come first")
                for hit in byName {
                    XCTAssertTrue(hit.name.contains("营业执照"), hit.name)
                    XCTAssertEqual(highlighted(hit.nameSpans), ["营业执照"], "\(query): \(hit.nameSpans)")
                    XCTAssertEqual(hit.nameSpans.map(\.text).joined(), hit.name)
                }
                // Guides that ask for the licence as a material, with it marked in the snippet.
                let byMaterial = hits.filter { $0.matchedIn == .materialsOrConditions }
                XCTAssertFalse(byMaterial.isEmpty, "\(query): \(hits.map(\.matchedIn))")
                XCTAssertTrue(byMaterial.allSatisfy { highlighted($0.snippet).contains("营业执照") }, query)
            }
        }
    }

    func testBrowseCountsMatchTheThemeFilter() async throws {
        try await withPlatform(guides: guides) { platform in
            let client = try newClient(platform.baseUrl())
            let catalog = client.catalog()
            _ = try await catalog.sync(listener: nil)
            let themes = try await catalog.browse(by: .theme, withinRegion: nil)
            XCTAssertGreaterThanOrEqual(themes.count, 5, "\(themes)")
            XCTAssertTrue(themes.allSatisfy { $0.count > 0 && !$0.label.isEmpty })
            XCTAssertEqual(themes.map(\.count), themes.map(\.count).sorted(by: >))

            let theme = try XCTUnwrap(themes.first)
            let hits = try await allHits(catalog, "", guideFilters(theme: theme.value))
            XCTAssertEqual(UInt64(hits.count), theme.count)
            XCTAssertTrue(hits.allSatisfy { $0.matchedIn == .filters })
            for hit in hits.prefix(5) {
                let guide = try await catalog.offlineGuide(code: hit.code)
                XCTAssertTrue(guide?.themes.contains(theme.value) == true, hit.code)
            }
            // A query within a theme: a subset.
            let licences = try await catalog.search(request: request("营业执照", filters: guideFilters(theme: "开办"), limit: 100)).hits
            XCTAssertFalse(licences.isEmpty)
            for hit in licences {
                let guide = try await catalog.offlineGuide(code: hit.code)
                XCTAssertTrue(guide?.themes.contains("开办") == true, hit.code)
            }

            // Within Kunming: the city, its districts and counties, and the province above.
            let kunming = try await catalog.browse(by: .region, withinRegion: "530100")
            XCTAssertTrue(kunming.allSatisfy { $0.value == "530000" || $0.value.hasPrefix("5301") }, "\(kunming)")
            // Region names come from the regions list, which the first sync fetched.
            XCTAssertEqual(kunming.filter { $0.value == "530100" }.map(\.label), ["昆明市"])
            let departments = try await catalog.browse(by: .department, withinRegion: nil)
            XCTAssertTrue(departments.allSatisfy { !$0.label.isEmpty })
        }
    }

    func testAGuideOpensWithItsMaterialsOnlineAndOffline() async throws {
        try await withPlatform(guides: guides) { platform in
            let catalog = try newClient(platform.baseUrl()).catalog()
            _ = try await catalog.sync(listener: nil)
            let code = try await catalog.search(request: request("营业执照")).hits[0].code

            let online = try await catalog.guide(code: code)
            XCTAssertEqual(online.freshness, .revalidated)
            XCTAssertEqual(online.guide.code, code)
            XCTAssertTrue(online.guide.materials.contains { !$0.name.isEmpty && $0.required }, "\(online.guide.materials)")
            XCTAssertFalse(online.guide.steps.isEmpty || online.guide.places.isEmpty)

            try await platform.stop()
            let offline = try await catalog.guide(code: code)
            guard case let .offline(syncedAtMs) = offline.freshness else {
                return XCTFail("expected the offline copy, got \(offline.freshness)")
            }
            XCTAssertNotNil(syncedAtMs)
            XCTAssertEqual(offline.guide, online.guide)
        }
    }

    func testAShippedSnapshotImportsWithNoNetworkAndSyncContinuesFromIt() async throws {
        try await withPlatform(guides: guides) { platform in
            let files = try temporaryDirectory()
            let path = files + "/catalog-snapshot.json.gz"
            let size = try await platform.snapshotFile(path: path)
            XCTAssertGreaterThan(size, 0)
            let garbage = files + "/garbage.gz"
            try Data(try Data(contentsOf: URL(fileURLWithPath: path)).prefix(100)).write(to: URL(fileURLWithPath: garbage))

            let dataDir = try temporaryDirectory()
            let store = SwiftSecretStore()
            let offline = try newClient("http://127.0.0.1:9", store: store, dataDir: dataDir).catalog()
            let bad = await expectFailure { try await offline.importSnapshot(path: garbage) }
            XCTAssertEqual(bad?.kind, .invalidInput)
            let empty = try await offline.status()
            XCTAssertEqual(empty.guides, 0, "nothing half-imported")
            let imported = try await offline.importSnapshot(path: path)
            XCTAssertTrue(imported.imported)
            XCTAssertEqual(imported.guides, 300)
            let again = try await offline.importSnapshot(path: path)
            XCTAssertFalse(again.imported, "never over a synced catalog")
            let found = try await offline.search(request: request("营业执照"))
            XCTAssertFalse(found.hits.isEmpty)

            _ = try await platform.mutateCatalog(upserts: 3, deletions: 1)
            let online = try newClient(platform.baseUrl(), store: store, dataDir: dataDir).catalog()
            let report = try await online.sync(listener: nil)
            XCTAssertTrue(report.completed && !report.usedSnapshot)
            XCTAssertEqual([report.upserted, report.deleted, report.guides], [3, 1, 299])
        }
    }

    func testBadInputIsATypedError() async throws {
        try await withPlatform(guides: guides) { platform in
            let catalog = try newClient(platform.baseUrl()).catalog()
            let tooMany = await expectFailure { try await catalog.search(request: request("营业执照", limit: 101)) }
            XCTAssertEqual(tooMany?.kind, .invalidInput)
            XCTAssertTrue(tooMany?.reason.contains("limit") == true, tooMany?.reason ?? "")
            let badRegion = await expectFailure { try await catalog.search(request: request("", filters: guideFilters(regionCode: "53"))) }
            XCTAssertEqual(badRegion?.kind, .invalidInput)
            let badPage = await expectFailure { try await catalog.syncWith(options: pagesOf(0), listener: nil) }
            XCTAssertEqual(badPage?.kind, .invalidInput)
            let missing = await expectFailure { try await catalog.guide(code: "NOPE001-530102") }
            XCTAssertEqual(missing?.kind, .notFound)
        }
    }

    func testSyncUpdatesYieldsEveryStepThenEnds() async throws {
        try await withPlatform(guides: guides) { platform in
            let catalog = try newClient(platform.baseUrl()).catalog()
            var steps: [SyncProgress] = []
            for try await step in catalog.syncUpdates(options: pagesOf(100)) { steps.append(step) }
            XCTAssertEqual(steps.map(\.phase), [.started, .pageApplied, .pageApplied, .pageApplied, .finished])
            XCTAssertEqual(steps.last?.guides, 300)
        }
    }

    func testLeavingTheLoopStopsTheSync() async throws {
        try await withPlatform(guides: guides) { platform in
            let catalog = try newClient(platform.baseUrl()).catalog()
            // 300 pages of one guide: far more than can pass before the cancel lands.
            var first: SyncProgress?
            for try await step in catalog.syncUpdates(options: pagesOf(1)) where step.phase == .pageApplied {
                first = step
                break
            }
            XCTAssertEqual(first?.pages, 1)

            // Waits for the stopped sync to end, then brings the rest.
            let rest = try await catalog.sync(listener: nil)
            XCTAssertTrue(rest.completed)
            XCTAssertTrue((1...299).contains(rest.upserted), "the first sync stopped early: \(rest.upserted) left")
            XCTAssertEqual(rest.guides, 300)
        }
    }

    func testAFailedSyncThrowsFromTheLoop() async throws {
        try await withPlatform(guides: guides) { platform in
            let catalog = try newClient(platform.baseUrl()).catalog()
            try await platform.injectFault(pathPrefix: "/api/v1/catalog", status: 503, count: 10, retryAfterSecs: nil)
            let error = await expectFailure {
                for try await _ in catalog.syncUpdates(options: pagesOf(100)) {}
            }
            XCTAssertEqual(error?.kind, .unavailable)
            let status = try await catalog.status()
            XCTAssertEqual(status.guides, 0)
        }
    }
}
