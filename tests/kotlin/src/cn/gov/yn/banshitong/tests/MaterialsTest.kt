package cn.gov.yn.banshitong.tests

import cn.gov.yn.banshitong.BstClient
import cn.gov.yn.banshitong.BstMaterials
import cn.gov.yn.banshitong.ErrorKind
import cn.gov.yn.banshitong.ReferencePlatform
import cn.gov.yn.banshitong.addCopy
import cn.gov.yn.banshitong.addMaterialFile
import cn.gov.yn.banshitong.core.AddMaterial
import cn.gov.yn.banshitong.core.MaterialProblem
import cn.gov.yn.banshitong.core.MediaType
import cn.gov.yn.banshitong.core.Reuse
import cn.gov.yn.banshitong.core.UploadItem
import cn.gov.yn.banshitong.core.UploadProgress
import cn.gov.yn.banshitong.core.UploadState
import cn.gov.yn.banshitong.isFinal
import cn.gov.yn.banshitong.testingWriteSamplePhoto
import cn.gov.yn.banshitong.uploadFlow
import cn.gov.yn.banshitong.uploadsFlow
import java.io.ByteArrayInputStream
import java.io.File
import java.io.IOException
import java.io.InputStream
import java.nio.file.Files
import java.time.Duration
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kotlin.test.assertEquals
import kotlin.test.assertIs
import kotlin.test.assertTrue
import org.junit.Test

/** Materials need a signed-in user, not a catalog: a small one starts fast. */
private const val GUIDES = 50u

/** Small chunks, so a 2 MiB upload is 32 requests and has progress to show. */
private const val CHUNK_BYTES = 65_536uL

/** An upload on this machine's loopback ends well within this. */
private const val UPLOAD_MS = 30_000L

private suspend fun signedInMaterials(platform: ReferencePlatform, phone: String): Pair<BstClient, BstMaterials> {
    val client = newClient(platform.baseUrl()) { it.uploads.chunkBytes = CHUNK_BYTES }
    signIn(platform, client, phone)
    return client to client.materials()
}

/** Waits until the item's state satisfies [condition]; the item as it then is. */
private suspend fun BstMaterials.awaitState(id: String, condition: (UploadState) -> Boolean): UploadItem =
    withTimeout(UPLOAD_MS) {
        uploadsFlow().first { items -> items.any { it.id == id && condition(it.state) } }.single { it.id == id }
    }

class MaterialsTest {
    @Test
    fun aPdfUploadsWithProgressAndIsInTheLibraryAndNeverSentTwice(): Unit = runBlocking {
        withPlatform(GUIDES) { platform ->
            val (_, materials) = signedInMaterials(platform, "13900007001")
            val size = 2uL * 1024uL * 1024uL
            val pdf = samplePdf(size, 1uL)

            val item = materials.add(addMaterialFile(pdf))
            assertEquals(MediaType.PDF, item.mediaType)
            assertEquals(size, item.totalBytes, "a PDF passes through as it is")
            assertEquals("scan-1.pdf", item.displayName)
            val events: List<UploadProgress> = withTimeout(UPLOAD_MS) { materials.uploadFlow(item.id).toList() }

            // Bytes only go up, and the flow ends with the final state.
            val sent = events.map { it.sentBytes }
            assertEquals(sent.sorted(), sent, "progress never goes back: $sent")
            assertTrue(events.all { it.totalBytes == size && it.id == item.id })
            val done = assertIs<UploadState.Done>(events.last().state)
            assertEquals(Reuse.UPLOADED, done.reuse)
            assertEquals(size, events.last().sentBytes)
            assertTrue(events.dropLast(1).none { it.state.isFinal }, "one final state, at the end: $events")

            // The platform received each byte once, and lists the material.
            val onServer = platform.uploadsOnServer().single()
            assertTrue(onServer.finished)
            assertEquals(size, onServer.receivedBytes)
            assertEquals(done.materialRef, onServer.materialId)
            val mine = materials.library().mine.single()
            assertEquals(done.materialRef, mine.id)
            assertEquals(item.sha256, mine.sha256)
            assertEquals(size, mine.size)
            assertEquals(MediaType.PDF, mine.mediaType)

            // The same file again: the platform has it, nothing is sent.
            val again = materials.add(addMaterialFile(samplePdf(size, 1uL, "again.pdf")))
            assertEquals(UploadState.Done(done.materialRef, Reuse.SAME_FILE), again.state)
            assertEquals(1, platform.uploadsOnServer().size)
            assertEquals(done.materialRef, materials.wait(again.id).let { (it.state as UploadState.Done).materialRef })
        }
    }

    @Test
    fun pauseResumeAndCancelWhileThePlatformTurnsUploadsAway(): Unit = runBlocking {
        withPlatform(GUIDES) { platform ->
            val (_, materials) = signedInMaterials(platform, "13900007002")
            // Every upload request fails until the faults are cleared: the
            // items wait to try again, deterministically, whatever the timing.
            platform.injectFault("/api/v1/uploads", 503u, 1000u, null)

            val kept = materials.add(addMaterialFile(samplePdf(256uL * 1024uL, 2uL)))
            val waiting = materials.awaitState(kept.id) { it is UploadState.RetryWaiting }
            assertTrue((waiting.state as UploadState.RetryWaiting).lastError.isNotBlank())
            assertEquals(UploadState.Paused, materials.pause(kept.id).state)

            val dropped = materials.add(addMaterialFile(samplePdf(256uL * 1024uL, 3uL)))
            materials.awaitState(dropped.id) { it is UploadState.RetryWaiting }
            assertEquals(UploadState.Cancelled, materials.cancel(dropped.id).state)
            assertEquals(UploadState.Cancelled, materials.wait(dropped.id).state)

            // A paused item stays paused, network or not.
            platform.clearFaults()
            delay(300)
            assertEquals(UploadState.Paused, materials.uploads().single { it.id == kept.id }.state)

            materials.resume(kept.id)
            val finished = withTimeout(UPLOAD_MS) { materials.wait(kept.id) }
            assertIs<UploadState.Done>(finished.state)
            assertEquals(finished.totalBytes, finished.sentBytes)
            val server = platform.uploadsOnServer()
            assertEquals(1, server.count { it.finished }, "$server")

            assertEquals(2u, materials.clearFinished())
            assertEquals(emptyList(), materials.uploads())
            assertEquals(ErrorKind.NOT_FOUND, expectFailure { materials.pause(kept.id) }.kind)
        }
    }

    @Test
    fun filesThatAreNotMaterialsAreRefusedWithTheirProblem(): Unit = runBlocking {
        withPlatform(GUIDES) { platform ->
            val signedOut = newClient(platform.baseUrl())
            assertEquals(ErrorKind.UNAUTHORIZED, expectFailure { signedOut.materials() }.kind)
            val (_, materials) = signedInMaterials(platform, "13900007003")

            // Text named like a PDF: the type is judged by content.
            val text = tempFile("notes.pdf").also { File(it).writeText("this is not a PDF") }
            val notPdf = expectFailure { materials.add(addMaterialFile(text)) }
            assertEquals(ErrorKind.BAD_MATERIAL, notPdf.kind)
            assertEquals(MaterialProblem.UNSUPPORTED_TYPE, notPdf.materialProblem)

            // A photo cut off half way.
            val photo = tempFile("photo.jpg").also { testingWriteSamplePhoto(it) }
            val bytes = File(photo).readBytes()
            val cut = tempFile("cut.jpg").also { File(it).writeBytes(bytes.copyOf(bytes.size / 2)) }
            val truncated = expectFailure { materials.add(addMaterialFile(cut)) }
            assertEquals(ErrorKind.BAD_MATERIAL, truncated.kind)
            assertEquals(MaterialProblem.UNREADABLE, truncated.materialProblem)

            // Nothing was queued, nothing reached the platform.
            assertEquals(emptyList(), materials.uploads())
            assertEquals(emptyList(), platform.uploadsOnServer())
        }
    }

    @Test
    fun aSidewaysPhotoIsPreparedBeforeItLeaves(): Unit = runBlocking {
        withPlatform(GUIDES) { platform ->
            val (_, materials) = signedInMaterials(platform, "13900007004")
            val photo = tempFile("IMG_0001.jpg")
            val original = testingWriteSamplePhoto(photo)
            val request = AddMaterial(photo, "营业执照照片", null, null, 800u, 80u)

            val item = materials.add(request)
            assertEquals(MediaType.JPEG, item.mediaType)
            assertEquals("营业执照照片", item.displayName)
            assertTrue(item.totalBytes < original, "scaled to 800 px and re-encoded: ${item.totalBytes} of $original bytes")
            val done = withTimeout(UPLOAD_MS) { materials.wait(item.id) }
            assertIs<UploadState.Done>(done.state)
            assertEquals(item.totalBytes, platform.uploadsOnServer().single().length)
        }
    }

    @Test
    fun aStreamIsCopiedAddedAndTheCopyRemoved(): Unit = runBlocking {
        withPlatform(GUIDES) { platform ->
            val (_, materials) = signedInMaterials(platform, "13900007005")
            val cache = Files.createTempDirectory("bst-kotlin-cache").toFile()
            val pdf = File(samplePdf(100uL * 1024uL, 5uL)).readBytes()

            val item = ByteArrayInputStream(pdf).use { materials.addCopy(it, "身份证复印件.PDF", cache) }
            assertEquals("身份证复印件.PDF", item.displayName)
            assertEquals(pdf.size.toULong(), item.totalBytes)
            assertEquals(emptyList(), cache.listFiles()!!.toList(), "the copy is gone once added")
            assertIs<UploadState.Done>(withTimeout(UPLOAD_MS) { materials.wait(item.id) }.state)

            // A stream that breaks while being read: the file's problem, and no copy left.
            val breaking = object : InputStream() {
                private var left = 10_000
                override fun read(): Int = if (left-- > 0) 'x'.code else throw IOException("provider died")
            }
            val failure = expectFailure { materials.addCopy(breaking, "scan.pdf", cache) }
            assertEquals(ErrorKind.BAD_MATERIAL, failure.kind)
            assertEquals(MaterialProblem.UNREADABLE, failure.materialProblem)
            assertEquals(emptyList(), cache.listFiles()!!.toList())
        }
    }

    @Test
    fun aBackgroundRunStopsAtItsBudgetAndFinishesTheNextTime(): Unit = runBlocking {
        withPlatform(GUIDES) { platform ->
            val (client, materials) = signedInMaterials(platform, "13900007006")
            platform.injectFault("/api/v1/uploads", 503u, 1000u, null)
            val item = materials.add(addMaterialFile(samplePdf(512uL * 1024uL, 6uL)))

            // The platform turns it away: the run gives up at its budget, the item stays queued.
            val short = client.materials().resumePending(Duration.ofMillis(500))
            assertTrue(short.stoppedByDeadline, "$short")
            assertEquals(1u, short.remaining)
            assertTrue(!materials.uploads().single().state.isFinal)

            platform.clearFaults()
            val full = client.materials().resumePending(Duration.ofSeconds(30))
            assertEquals(0u, full.remaining, "$full")
            assertTrue(!full.stoppedByDeadline, "$full")
            assertIs<UploadState.Done>(materials.wait(item.id).state)
        }
    }
}
