package cn.gov.yn.banshitong.tests

import cn.gov.yn.banshitong.BstClient
import cn.gov.yn.banshitong.BstDrafts
import cn.gov.yn.banshitong.DraftListener
import cn.gov.yn.banshitong.ErrorKind
import cn.gov.yn.banshitong.ReferencePlatform
import cn.gov.yn.banshitong.core.AddMaterial
import cn.gov.yn.banshitong.core.Draft
import cn.gov.yn.banshitong.core.DraftState
import cn.gov.yn.banshitong.core.OutboxStatus
import cn.gov.yn.banshitong.core.SubmitOutcome
import cn.gov.yn.banshitong.core.UploadState
import cn.gov.yn.banshitong.draftFlow
import cn.gov.yn.banshitong.forms.ErrorCode
import cn.gov.yn.banshitong.forms.FieldKind
import cn.gov.yn.banshitong.outboxFlow
import java.util.concurrent.CopyOnWriteArrayList
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kotlin.test.assertEquals
import kotlin.test.assertIs
import kotlin.test.assertNull
import kotlin.test.assertTrue
import org.junit.Test

/** Small catalogs keep these fast; 300 guides hold the ID-card and marriage items. */
private const val GUIDES = 300u

/** The outbox delivers within this, against a platform on this machine. */
private const val DELIVERY_MS = 20_000L

/** A catalog synced, then signed in (drafts need a user). */
private suspend fun signedInClient(platform: ReferencePlatform, phone: String): BstClient {
    val client = newClient(platform.baseUrl())
    client.catalog().sync(null)
    signIn(platform, client, phone)
    return client
}

/**
 * Fills the draft until it is valid; a missing material is uploaded into its
 * slot, since the platform takes only the applicant's own materials: a PDF
 * (another one each time) where the slot takes one, else the sample photo.
 */
private suspend fun fillByUploading(client: BstClient, drafts: BstDrafts, id: String) {
    val schema = drafts.schema(id)
    var uploads = 0uL
    fillUntilValid(drafts, id) { slotKey ->
        val slot = schema.materialSlots.single { it.key == slotKey }
        val file = if ("pdf" in slot.acceptedTypes) samplePdf(4096uL, uploads++) else samplePhoto()
        val materials = client.materials()
        val item = materials.add(AddMaterial(file, null, id, slot.key, null, null))
        assertIs<UploadState.Done>(withTimeout(DELIVERY_MS) { materials.wait(item.id) }.state)
    }
}

class DraftsTest {
    @Test
    fun aDraftIsCheckedSubmittedOnceAndFollowedToItsApplicationNumber(): Unit = runBlocking {
        withPlatform(GUIDES) { platform ->
            val client = signedInClient(platform, "13900001111")
            val drafts = client.drafts()
            val draft = drafts.create(firstGuide(client, "居民身份证"))
            assertEquals(1uL, draft.revision)
            assertEquals(DraftState.Editing, draft.state)

            // Autosave reports the revision; a bad ID number is flagged as typed, in Chinese.
            val schema = drafts.schema(draft.id)
            assertEquals(draft.schemaId, schema.id)
            val idField = schema.fields.first { it.kind is FieldKind.IdNumber }
            val saved = drafts.setField(draft.id, idField.key, json("110105194912310021"))
            assertEquals(2uL, saved.revision)
            val typed = saved.fieldErrors.single()
            assertEquals(ErrorCode.ID_CHECKSUM, typed.code)
            assertEquals(idField.key, typed.path)
            assertTrue(typed.message.contains("校验"), typed.message)

            // The whole form has problems; submitting queues nothing.
            val errors = drafts.validate(draft.id)
            assertTrue(errors.any { it.code == ErrorCode.ID_CHECKSUM && it.path == idField.key }, "$errors")
            val invalid = assertIs<SubmitOutcome.Invalid>(drafts.submit(draft.id))
            assertEquals(errors, invalid.errors)
            assertEquals(0u, drafts.outboxStatus().pending)

            fillByUploading(client, drafts, draft.id)
            assertEquals(emptyList(), drafts.validate(draft.id))

            // Every outbox status, from before the submission on.
            val outbox = CopyOnWriteArrayList<OutboxStatus>()
            val watching = launch(Dispatchers.Default) { drafts.outboxFlow().collect { outbox.add(it) } }
            eventually(DELIVERY_MS) { outbox.isNotEmpty() }
            // The first delivery attempts fail, so the submission waits in the
            // outbox (until its back-off ends, or we say the network is back).
            platform.injectFault("/api/v1/applications", 503u, 2u, null)
            assertEquals(SubmitOutcome.Queued, drafts.submit(draft.id))
            eventually(DELIVERY_MS) { outbox.any { it.pending == 1u && it.lastError != null && it.nextAttemptAtMs != null } }
            drafts.networkAvailable()

            val submitted = withTimeout(DELIVERY_MS) { drafts.draftFlow(draft.id).first { it.state !is DraftState.Submitting } }
            val state = assertIs<DraftState.Submitted>(submitted.state, "${submitted.submitError}")
            assertTrue(state.applicationNo.startsWith("YN"), state.applicationNo)
            eventually(DELIVERY_MS) { outbox.last().pending == 0u }
            watching.cancelAndJoin()
            assertNull(outbox.last().lastError)
            assertTrue(outbox.all { it.pending <= 1u }, "one application queued: $outbox")
            assertEquals(0u, drafts.outboxStatus().pending)
            assertEquals(1uL, platform.applicationsOnServer())

            // Pressing again changes nothing, and a submitted draft is no longer editable.
            assertEquals(SubmitOutcome.AlreadySubmitted(state.applicationNo), drafts.submit(draft.id))
            assertEquals(1uL, platform.applicationsOnServer())
            expectFailure { drafts.setField(draft.id, idField.key, json("11010519491231002X")) }
        }
    }

    @Test
    fun listDuplicateDeleteSyncAndGroupsCross(): Unit = runBlocking {
        withPlatform(GUIDES) { platform ->
            val signedOut = newClient(platform.baseUrl())
            assertEquals(ErrorKind.UNAUTHORIZED, expectFailure { signedOut.drafts() }.kind)

            val client = signedInClient(platform, "13900001112")
            val drafts = client.drafts()
            val draft = drafts.create(firstGuide(client, "结婚登记"))
            assertEquals(ErrorKind.INVALID_INPUT, expectFailure { drafts.setField(draft.id, "remarks", "not json") }.kind)
            assertEquals(ErrorKind.INVALID_INPUT, expectFailure { drafts.setMaterials(draft.id, "x", listOf("licence:")) }.kind)

            // A repeated group (the other party): add two items, remove the first.
            val group = drafts.schema(draft.id).fields.first { it.kind is FieldKind.Group }
            drafts.setField(draft.id, group.key, """[{"name":"甲"},{"name":"乙"}]""")
            val removed = drafts.removeItem(draft.id, group.key, 0u)
            val values = drafts.open(draft.id).valuesJson
            assertEquals(removed.revision, drafts.open(draft.id).revision)
            assertTrue(values.contains("乙") && !values.contains("甲"), values)

            val copy = drafts.duplicate(draft.id)
            assertTrue(copy.title.endsWith("（副本）"), copy.title)
            assertEquals(setOf(draft.id, copy.id), drafts.list().map(Draft::id).toSet())
            // A watch on a draft ends when the draft is deleted.
            val watch = drafts.watchDraft(copy.id, object : DraftListener {
                override fun onDraft(draft: Draft) {}
            })
            drafts.delete(copy.id)
            assertEquals(listOf(draft.id), drafts.list().map(Draft::id))
            eventually(DELIVERY_MS) { !watch.isActive() }
            watch.close()

            val report = drafts.sync()
            assertTrue(report.pushed >= 1u, "$report")
            assertTrue(drafts.open(draft.id).synced)
            assertEquals("ok", drafts.integrityCheck())
        }
    }
}
