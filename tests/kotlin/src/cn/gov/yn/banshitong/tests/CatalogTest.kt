package cn.gov.yn.banshitong.tests

import cn.gov.yn.banshitong.BstCatalog
import cn.gov.yn.banshitong.ErrorKind
import cn.gov.yn.banshitong.SyncListener
import cn.gov.yn.banshitong.core.BrowseBy
import cn.gov.yn.banshitong.core.Freshness
import cn.gov.yn.banshitong.core.GuideFilters
import cn.gov.yn.banshitong.core.MatchedIn
import cn.gov.yn.banshitong.core.SearchHit
import cn.gov.yn.banshitong.core.SearchRequest
import cn.gov.yn.banshitong.core.SyncOptions
import cn.gov.yn.banshitong.core.SyncPhase
import cn.gov.yn.banshitong.core.SyncProgress
import cn.gov.yn.banshitong.core.TextSpan
import cn.gov.yn.banshitong.syncFlow
import java.nio.file.Files
import java.util.concurrent.CopyOnWriteArrayList
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertNotNull
import kotlin.test.assertTrue
import org.junit.Test

/** Small catalogs keep these fast; 300 guides still hold every item kind. */
private const val GUIDES = 300u

private fun pagesOf(size: UInt) = SyncOptions(snapshotOnFirstInstall = false, pageSize = size)

private fun noFilters() = GuideFilters(null, null, null, null, null)

private fun request(query: String, filters: GuideFilters = noFilters(), limit: UInt = 0u, pageToken: String? = null) =
    SearchRequest(query, filters, null, pageToken, limit)

/** Keeps every step a sync reports; the core calls it from its own threads. */
private class Recording(private val onEach: (SyncProgress) -> Unit = {}) : SyncListener {
    val steps = CopyOnWriteArrayList<SyncProgress>()
    override fun onProgress(progress: SyncProgress) {
        steps.add(progress)
        onEach(progress)
    }
}

private fun highlighted(spans: List<TextSpan>) = spans.filter { it.highlighted }.map { it.text }

/** Every hit of a search, page by page. */
private suspend fun allHits(catalog: BstCatalog, query: String, filters: GuideFilters): List<SearchHit> {
    val hits = mutableListOf<SearchHit>()
    var token: String? = null
    do {
        val page = catalog.search(request(query, filters, 100u, token))
        hits += page.hits
        token = page.nextPageToken
    } while (token != null)
    return hits
}

class CatalogTest {
    @Test
    fun aPagedSyncReportsEachStepInOrder(): Unit = runBlocking {
        withPlatform(GUIDES) { platform ->
            val catalog = newClient(platform.baseUrl()).catalog()
            val listener = Recording()
            val report = catalog.syncWith(pagesOf(50u), listener)

            assertTrue(report.completed && !report.usedSnapshot)
            assertEquals(6u, report.pages)
            assertEquals(300uL, report.guides)
            val steps = listener.steps
            assertEquals(SyncPhase.STARTED, steps.first().phase)
            assertEquals(SyncPhase.FINISHED, steps.last().phase)
            val pages = steps.filter { it.phase == SyncPhase.PAGE_APPLIED }
            assertEquals((1u..6u).toList(), pages.map { it.pages })
            assertEquals(listOf(250uL, 200uL, 150uL, 100uL, 50uL, 0uL), pages.map { it.remaining })
            assertEquals(steps.map { it.upserted }.sorted(), steps.map { it.upserted }, "counts only go up")
            assertEquals(steps.map { it.guides }.sorted(), steps.map { it.guides })
            val status = catalog.status()
            assertEquals(300uL, status.guides)
            assertNotNull(status.lastSyncedAtMs)
            assertFalse(status.syncIncomplete)

            // Then only what changed.
            val changed = platform.mutateCatalog(5u, 3u)
            val delta = catalog.sync(null)
            assertTrue(delta.completed && !delta.usedSnapshot)
            assertEquals(5uL to 3uL, delta.upserted to delta.deleted)
            assertEquals(297uL, delta.guides)
            assertEquals(2u, catalog.offlineGuide(changed.upserted.first())?.revision)
            assertEquals(null, catalog.offlineGuide(changed.deleted.first()))
        }
    }

    @Test
    fun aFirstInstallTakesTheSnapshot(): Unit = runBlocking {
        withPlatform(GUIDES) { platform ->
            val catalog = newClient(platform.baseUrl()).catalog()
            val listener = Recording()
            val report = catalog.sync(listener)
            assertTrue(report.completed && report.usedSnapshot)
            assertEquals(300uL, report.guides)
            assertTrue(listener.steps.any { it.phase == SyncPhase.SNAPSHOT_IMPORTED }, "${listener.steps}")
        }
    }

    @Test
    fun cancelFromTheListenerStopsBetweenPagesAndTheNextSyncResumes(): Unit = runBlocking {
        withPlatform(GUIDES) { platform ->
            val catalog = newClient(platform.baseUrl()).catalog()
            val listener = Recording { if (it.phase == SyncPhase.PAGE_APPLIED && it.pages == 2u) catalog.cancelSync() }
            val stopped = catalog.syncWith(pagesOf(50u), listener)
            assertFalse(stopped.completed)
            assertEquals(2u to 100uL, stopped.pages to stopped.guides)
            assertEquals(SyncPhase.CANCELLED, listener.steps.last().phase)
            assertTrue(catalog.status().syncIncomplete)

            val resumed = catalog.syncWith(pagesOf(50u), null)
            assertTrue(resumed.completed)
            assertEquals(4u, resumed.pages, "only the pages not applied before")
            assertEquals(300uL, resumed.guides)
            assertFalse(catalog.status().syncIncomplete)
        }
    }

    @Test
    fun aListenerThatThrowsDoesNotStopTheSync(): Unit = runBlocking {
        withPlatform(GUIDES) { platform ->
            val catalog = newClient(platform.baseUrl()).catalog()
            val report = catalog.syncWith(pagesOf(100u), Recording { throw IllegalStateException("UI bug") })
            assertTrue(report.completed)
            assertEquals(300uL, report.guides)
        }
    }

    @Test
    fun searchByChineseAndPinyinWithHighlights(): Unit = runBlocking {
        withPlatform(GUIDES) { platform ->
            val catalog = newClient(platform.baseUrl()).catalog()
            catalog.sync(null)
            for (query in listOf("营业执照", "yyzz")) {
                val hits = catalog.search(request(query)).hits
                val byName = hits.filter { it.matchedIn == MatchedIn.NAME_START || it.matchedIn == MatchedIn.NAME }
                assertTrue(byName.isNotEmpty(), "$query: ${hits.map { it.name }}")
                assertEquals(byName, hits.take(byName.size), "$query: name matches come first")
                for (hit in byName) {
                    assertTrue(hit.name.contains("营业执照"), hit.name)
                    assertEquals(listOf("营业执照"), highlighted(hit.nameSpans), "$query: ${hit.nameSpans}")
                    assertEquals(hit.name, hit.nameSpans.joinToString("") { it.text })
                }
                // Guides that ask for the licence as a material, with it marked in the snippet.
                val byMaterial = hits.filter { it.matchedIn == MatchedIn.MATERIALS_OR_CONDITIONS }
                assertTrue(byMaterial.isNotEmpty(), "$query: ${hits.map { it.matchedIn }}")
                assertTrue(byMaterial.all { "营业执照" in highlighted(it.snippet) }, "$query")
            }
        }
    }

    @Test
    fun browseCountsMatchTheThemeFilter(): Unit = runBlocking {
        withPlatform(GUIDES) { platform ->
            val client = newClient(platform.baseUrl())
            val catalog = client.catalog()
            catalog.sync(null)
            val themes = catalog.browse(BrowseBy.THEME, null)
            assertTrue(themes.size >= 5, "$themes")
            assertTrue(themes.all { it.count > 0uL && it.label.isNotEmpty() })
            assertEquals(themes.sortedByDescending { it.count }.map { it.count }, themes.map { it.count })

            val theme = themes.first()
            val hits = allHits(catalog, "", noFilters().copy(theme = theme.value))
            assertEquals(theme.count, hits.size.toULong())
            assertTrue(hits.all { it.matchedIn == MatchedIn.FILTERS })
            for (hit in hits.take(5)) {
                assertTrue(theme.value in catalog.offlineGuide(hit.code)!!.themes, hit.code)
            }
            // A query within the theme: a subset.
            val licences = catalog.search(request("营业执照", noFilters().copy(theme = "开办"), 100u)).hits
            assertTrue(licences.isNotEmpty())
            for (hit in licences) assertTrue("开办" in catalog.offlineGuide(hit.code)!!.themes, hit.code)

            // Within Kunming: the city, its districts and counties, and the province above.
            val kunming = catalog.browse(BrowseBy.REGION, "530100")
            assertTrue(kunming.all { it.value == "530000" || it.value.startsWith("5301") }, "$kunming")
            // Region names come from the regions list, which the first sync fetched.
            assertEquals("昆明市", kunming.single { it.value == "530100" }.label)
            assertTrue(catalog.browse(BrowseBy.DEPARTMENT, null).all { it.label.isNotEmpty() })
        }
    }

    @Test
    fun aGuideOpensWithItsMaterialsOnlineAndOffline(): Unit = runBlocking {
        withPlatform(GUIDES) { platform ->
            val catalog = newClient(platform.baseUrl()).catalog()
            catalog.sync(null)
            val code = catalog.search(request("营业执照")).hits.first().code

            val online = catalog.guide(code)
            assertEquals(Freshness.Revalidated, online.freshness)
            assertEquals(code, online.guide.code)
            assertTrue(online.guide.materials.any { it.name.isNotEmpty() && it.required }, "${online.guide.materials}")
            assertTrue(online.guide.steps.isNotEmpty() && online.guide.places.isNotEmpty())

            platform.stop()
            val offline = catalog.guide(code)
            assertIs<Freshness.Offline>(offline.freshness)
            assertNotNull((offline.freshness as Freshness.Offline).syncedAtMs)
            assertEquals(online.guide, offline.guide)
        }
    }

    @Test
    fun aShippedSnapshotImportsWithNoNetworkAndSyncContinuesFromIt(): Unit = runBlocking {
        withPlatform(GUIDES) { platform ->
            val files = Files.createTempDirectory("bst-snapshot")
            val path = files.resolve("catalog-snapshot.json.gz")
            assertTrue(platform.snapshotFile(path.toString()) > 0uL)
            val garbage = files.resolve("garbage.gz")
            Files.write(garbage, Files.readAllBytes(path).copyOf(100))

            val dir = Files.createTempDirectory("bst-kotlin-test").toString()
            val store = KotlinSecretStore()
            val offline = newClient("http://127.0.0.1:9", store, dir).catalog()
            assertEquals(ErrorKind.INVALID_INPUT, expectFailure { offline.importSnapshot(garbage.toString()) }.kind)
            assertEquals(0uL, offline.status().guides, "nothing half-imported")
            val imported = offline.importSnapshot(path.toString())
            assertTrue(imported.imported)
            assertEquals(300uL, imported.guides)
            assertFalse(offline.importSnapshot(path.toString()).imported, "never over a synced catalog")
            assertTrue(offline.search(request("营业执照")).hits.isNotEmpty())

            platform.mutateCatalog(3u, 1u)
            val online = newClient(platform.baseUrl(), store, dir).catalog()
            val report = online.sync(null)
            assertTrue(report.completed && !report.usedSnapshot)
            assertEquals(Triple(3uL, 1uL, 299uL), Triple(report.upserted, report.deleted, report.guides))
        }
    }

    @Test
    fun badInputIsATypedException(): Unit = runBlocking {
        withPlatform(GUIDES) { platform ->
            val catalog = newClient(platform.baseUrl()).catalog()
            val tooMany = expectFailure { catalog.search(request("营业执照", limit = 101u)) }
            assertEquals(ErrorKind.INVALID_INPUT, tooMany.kind)
            assertTrue(tooMany.reason.contains("limit"), tooMany.reason)
            val badRegion = expectFailure { catalog.search(request("", noFilters().copy(regionCode = "53"))) }
            assertEquals(ErrorKind.INVALID_INPUT, badRegion.kind)
            assertEquals(ErrorKind.INVALID_INPUT, expectFailure { catalog.syncWith(pagesOf(0u), null) }.kind)
            assertEquals(ErrorKind.NOT_FOUND, expectFailure { catalog.guide("NOPE001-530102") }.kind)
        }
    }

    @Test
    fun syncFlowEmitsEveryStepThenCompletes(): Unit = runBlocking {
        withPlatform(GUIDES) { platform ->
            val catalog = newClient(platform.baseUrl()).catalog()
            val steps = catalog.syncFlow(pagesOf(100u)).toList()
            assertEquals(
                listOf(SyncPhase.STARTED) + List(3) { SyncPhase.PAGE_APPLIED } + SyncPhase.FINISHED,
                steps.map { it.phase },
            )
            assertEquals(300uL, steps.last().guides)
        }
    }

    @Test
    fun cancellingTheCollectionStopsTheSync(): Unit = runBlocking {
        withPlatform(GUIDES) { platform ->
            val catalog = newClient(platform.baseUrl()).catalog()
            // 300 pages of one guide: far more than can pass before the cancel lands.
            val first = catalog.syncFlow(pagesOf(1u)).first { it.phase == SyncPhase.PAGE_APPLIED }
            assertEquals(1u, first.pages)

            // Waits for the stopped sync to end, then brings the rest.
            val rest = catalog.sync(null)
            assertTrue(rest.completed)
            assertTrue(rest.upserted in 1uL..299uL, "the first sync stopped early: ${rest.upserted} left")
            assertEquals(300uL, rest.guides)
        }
    }

    @Test
    fun aFailedSyncThrowsFromTheFlow(): Unit = runBlocking {
        withPlatform(GUIDES) { platform ->
            val catalog = newClient(platform.baseUrl()).catalog()
            platform.injectFault("/api/v1/catalog", 503u, 10u, null)
            val e = expectFailure { catalog.syncFlow(pagesOf(100u)).toList() }
            assertEquals(ErrorKind.UNAVAILABLE, e.kind)
            assertEquals(0uL, catalog.status().guides)
        }
    }
}
