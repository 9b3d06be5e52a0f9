package cn.gov.yn.banshitong.tests

import cn.gov.yn.banshitong.ApplicationListListener
import cn.gov.yn.banshitong.BstApplications
import cn.gov.yn.banshitong.BstClient
import cn.gov.yn.banshitong.ErrorKind
import cn.gov.yn.banshitong.ReferencePlatform
import cn.gov.yn.banshitong.applicationEvents
import cn.gov.yn.banshitong.applicationFlow
import cn.gov.yn.banshitong.applicationsFlow
import cn.gov.yn.banshitong.core.AddMaterial
import cn.gov.yn.banshitong.core.Application
import cn.gov.yn.banshitong.core.ApplicationEvent
import cn.gov.yn.banshitong.core.ApplicationFilter
import cn.gov.yn.banshitong.core.ApplicationStatus
import cn.gov.yn.banshitong.core.ApplicationSummary
import cn.gov.yn.banshitong.core.DraftState
import cn.gov.yn.banshitong.core.LiveState
import cn.gov.yn.banshitong.core.NeededAction
import cn.gov.yn.banshitong.core.PushIgnoredReason
import cn.gov.yn.banshitong.core.PushOutcome
import cn.gov.yn.banshitong.core.SubmitOutcome
import cn.gov.yn.banshitong.core.SupplementOutcome
import cn.gov.yn.banshitong.core.TimelineKind
import cn.gov.yn.banshitong.core.UploadState
import cn.gov.yn.banshitong.draftFlow
import cn.gov.yn.banshitong.liveStateFlow
import java.time.Duration
import java.util.concurrent.CopyOnWriteArrayList
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertTrue
import org.junit.Test

/** Small catalogs keep these fast; 300 guides hold the ID-card item. */
private const val GUIDES = 300u

/** A change reaches the device within this, against a platform on this machine. */
private const val ARRIVAL_MS = 20_000L

/** A signed-in user on a fresh device with one submitted application, synced to the device. */
private class Applicant(
    val client: BstClient,
    val userId: String,
    val applicationNo: String,
    /** The uploaded scan, to answer a supplement request with. */
    val scanRef: String,
    val applications: BstApplications,
)

/**
 * Signs [phone] in, uploads one scan and submits an ID-card application
 * with that scan in every slot (as core/tests/common does); waits until the
 * platform has given it its number, then syncs once so the device holds it.
 */
private suspend fun submitApplication(platform: ReferencePlatform, phone: String): Applicant {
    val client = newClient(platform.baseUrl())
    client.catalog().sync(null)
    val profile = signIn(platform, client, phone)

    val materials = client.materials()
    val scan = materials.add(AddMaterial(samplePdf(4096uL, 7uL), null, null, null, null, null))
    val scanRef = assertIs<UploadState.Done>(withTimeout(ARRIVAL_MS) { materials.wait(scan.id) }.state).materialRef

    val drafts = client.drafts()
    val draft = drafts.create(firstGuide(client, "居民身份证"))
    fillUntilValid(drafts, draft.id) { slotKey -> drafts.setMaterials(draft.id, slotKey, listOf(scanRef)) }
    assertEquals(SubmitOutcome.Queued, drafts.submit(draft.id))
    val submitted = withTimeout(ARRIVAL_MS) { drafts.draftFlow(draft.id).first { it.state !is DraftState.Submitting } }
    val state = assertIs<DraftState.Submitted>(submitted.state, "${submitted.submitError}")
    val applications = client.applications().also { it.sync() }
    return Applicant(client, profile.userId, state.applicationNo, scanRef, applications)
}

/** Runs [body] against a fresh platform on which [phone] has submitted one application. */
private fun withApplicant(phone: String, body: suspend CoroutineScope.(ReferencePlatform, Applicant) -> Unit) = runBlocking {
    val scope = this
    withPlatform(GUIDES) { platform -> scope.body(platform, submitApplication(platform, phone)) }
}

class ApplicationsTest {
    @Test
    fun aStatusChangeArrivesInTheFlowAfterASyncThenLiveOverSseWithASupplementRound(): Unit = withApplicant("13900003301") { platform, applicant ->
        val no = applicant.applicationNo
        val applications = applicant.applications

        val seen = CopyOnWriteArrayList<Application?>()
        val events = CopyOnWriteArrayList<ApplicationEvent>()
        val listening = launch(Dispatchers.Default) { applications.applicationEvents().collect { events.add(it) } }
        val watching = launch(Dispatchers.Default) { applications.applicationFlow(no).collect { seen.add(it) } }
        // The device's copy first.
        eventually { seen.isNotEmpty() }
        assertEquals(ApplicationStatus.SUBMITTED, seen.first()?.status)
        assertTrue(seen.first()!!.canWithdraw)

        // The office accepts it; the device hears of it at its next sync.
        assertEquals("accepted", platform.advanceApplication(no, "accept").status)
        applications.sync()
        eventually { seen.last()?.status == ApplicationStatus.ACCEPTED }
        assertTrue(seen.last()!!.deadlines != null, "the time limit runs once accepted")
        eventually { events.any { it == ApplicationEvent.StatusChanged(no, ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED) } }

        // In the foreground the live connection brings the next change without a sync.
        applications.setForeground(true)
        withTimeout(ARRIVAL_MS) { applications.liveStateFlow().first { it is LiveState.Live } }
        val asked = System.nanoTime()
        platform.advanceApplication(no, "request_supplement")
        eventually { seen.last()?.status == ApplicationStatus.SUPPLEMENT_REQUIRED }
        println("ApplicationsTest: a status change reached the Flow live in ${(System.nanoTime() - asked) / 1_000_000} ms")
        val request = seen.last()!!.supplement!!
        assertEquals(NeededAction.SUPPLEMENT, seen.last()!!.needsAction)
        assertTrue(request.materials.isNotEmpty())
        eventually { events.any { it is ApplicationEvent.SupplementRequired && it.applicationNo == no } }
        val needingMe = withTimeout(ARRIVAL_MS) {
            applications.applicationsFlow(ApplicationFilter.NEEDS_ACTION).first { list -> list.any { it.applicationNo == no } }
        }
        assertEquals(listOf(no), needingMe.map(ApplicationSummary::applicationNo))

        // The supplement round: a draft with the requested slots, filled and sent once.
        val answer = applications.startSupplement(no)
        assertEquals(answer.id, applications.startSupplement(no).id, "starting again gives the same draft")
        assertIs<SupplementOutcome.Invalid>(applications.submitSupplement(answer.id))
        val drafts = applicant.client.drafts()
        for (material in request.materials) drafts.setMaterials(answer.id, material.key, listOf(applicant.scanRef))
        assertEquals(SupplementOutcome.Queued, applications.submitSupplement(answer.id))
        eventually { seen.last()?.status == ApplicationStatus.UNDER_REVIEW }
        val kinds = seen.last()!!.timeline.map { it.kind }
        assertEquals(
            listOf(TimelineKind.SUBMITTED, TimelineKind.ACCEPTED, TimelineKind.SUPPLEMENT_REQUESTED, TimelineKind.SUPPLEMENT_ANSWERED),
            kinds.take(4),
        )
        assertIs<SupplementOutcome.AlreadySent>(applications.submitSupplement(answer.id))

        // Back in the background, the connection closes.
        applications.setForeground(false)
        withTimeout(ARRIVAL_MS) { applications.liveStateFlow().first { it == LiveState.Off } }
        watching.cancelAndJoin()
        listening.cancelAndJoin()
        // Each change was delivered once: no state repeats in a row.
        assertTrue(seen.zipWithNext().none { (a, b) -> a == b }, "$seen")
    }

    @Test
    fun aPushPayloadFromThePlatformSyncsAndAMalformedOrForeignOneIsIgnored(): Unit = withApplicant("13900003302") { platform, applicant ->
        val no = applicant.applicationNo
        val applications = applicant.applications

        platform.advanceApplication(no, "accept")
        val push = platform.pushOutbox(applicant.userId).last()
        assertEquals(no, push["application_no"])
        assertEquals("accepted", push["status"])
        assertEquals(ApplicationStatus.SUBMITTED, applications.get(no).status, "not synced yet")

        val handled = assertIs<PushOutcome.Synced>(applications.handlePush(push))
        assertEquals(listOf(no), handled.changed)
        assertEquals(ApplicationStatus.ACCEPTED, applications.get(no).status)
        // The same message again (FCM may deliver twice) changes nothing.
        assertEquals(PushOutcome.Synced(emptyList(), 0u), applications.handlePush(push))

        suspend fun ignored(payload: Map<String, String>) = applications.handlePush(payload)
        assertEquals(PushOutcome.Ignored(PushIgnoredReason.MALFORMED), ignored(push + ("change_seq" to "not a number")))
        assertEquals(PushOutcome.Ignored(PushIgnoredReason.MALFORMED), ignored(push - "application_no"))
        assertEquals(PushOutcome.Ignored(PushIgnoredReason.OTHER_USER), ignored(push + ("user" to "u_someone_else")))
        assertEquals(PushOutcome.Ignored(PushIgnoredReason.NOT_OURS), ignored(mapOf("from" to "another-sdk")))

        // The app's handler may run with nobody signed in: the client answers for it.
        assertIs<PushOutcome.Synced>(applicant.client.handlePush(push))
        val signedOut = newClient(platform.baseUrl())
        assertEquals(PushOutcome.Ignored(PushIgnoredReason.SIGNED_OUT), signedOut.handlePush(push))
    }

    @Test
    fun anApplicationIsWithdrawnOnceAndReadOffline(): Unit = withApplicant("13900003303") { platform, applicant ->
        val no = applicant.applicationNo
        val applications = applicant.applications
        assertEquals(listOf(no), applications.list(ApplicationFilter.IN_PROGRESS).map(ApplicationSummary::applicationNo))

        val withdrawn = applications.withdraw(no, "信息填错了")
        assertEquals(ApplicationStatus.WITHDRAWN, withdrawn.status)
        assertFalse(withdrawn.canWithdraw)
        assertEquals(TimelineKind.WITHDRAWN, withdrawn.timeline.last().kind)
        // A retry is harmless: the same application back.
        assertEquals(withdrawn.changeSeq, applications.withdraw(no, null).changeSeq)
        assertEquals(emptyList(), applications.list(ApplicationFilter.IN_PROGRESS))
        assertEquals(listOf(no), applications.list(ApplicationFilter.DONE).map(ApplicationSummary::applicationNo))
        // The office can't move a withdrawn application on.
        expectFailure { platform.advanceApplication(no, "accept") }

        // With the platform gone the list and the detail still read.
        platform.stop()
        assertEquals(ApplicationStatus.WITHDRAWN, applications.get(no).status)
        assertEquals(listOf(no), applications.list(ApplicationFilter.ALL).map(ApplicationSummary::applicationNo))
        assertEquals(ErrorKind.OFFLINE, expectFailure { applications.refresh(no) }.kind)
        assertEquals(ErrorKind.NOT_FOUND, expectFailure { applications.get("YN-NO-SUCH-NUMBER") }.kind)
    }

    @Test
    fun withdrawingWhatTheStatusDoesNotAllowIsAConflict(): Unit = withApplicant("13900003304") { platform, applicant ->
        val no = applicant.applicationNo
        val applications = applicant.applications
        platform.advanceApplication(no, "accept")
        platform.advanceApplication(no, "start_review")
        assertFalse(applications.refresh(no).canWithdraw)
        val refused = expectFailure { applications.withdraw(no, null) }
        assertEquals(ErrorKind.CONFLICT, refused.kind, "${refused.status} ${refused.reason}")
        assertEquals(ApplicationStatus.UNDER_REVIEW, applications.get(no).status)
    }

    @Test
    fun aBackgroundRunSyncsWithinItsBudgetAndAThrowingListenerIsHarmless(): Unit = withApplicant("13900003305") { platform, applicant ->
        assertEquals(ErrorKind.UNAUTHORIZED, expectFailure { newClient(platform.baseUrl()).applications() }.kind)
        val no = applicant.applicationNo
        val applications = applicant.applications

        // A listener that throws every time: the core logs it and goes on calling it.
        val calls = CopyOnWriteArrayList<List<ApplicationSummary>>()
        val handle = applications.watchList(ApplicationFilter.ALL, object : ApplicationListListener {
            override fun onApplications(applications: List<ApplicationSummary>) {
                calls.add(applications)
                throw IllegalStateException("the screen went away")
            }
        })
        eventually { calls.size == 1 }

        platform.advanceApplication(no, "accept")
        val report = applications.backgroundSync(Duration.ofSeconds(10))
        assertTrue(report.applicationsSynced, "$report")
        assertEquals(1u, report.applicationsChanged)
        assertFalse(report.stoppedByDeadline)
        eventually { calls.size == 2 }
        assertEquals(ApplicationStatus.ACCEPTED, calls.last().single().status)

        // A cancelled handle hears nothing more.
        handle.cancel()
        assertFalse(handle.isActive())
        platform.advanceApplication(no, "start_review")
        applications.sync()
        delay(300)
        assertEquals(2, calls.size)
        handle.close()
    }

    @Test
    fun liveStatusChangesReachTheEventFlowQuickly(): Unit = runBlocking {
        withPlatform(GUIDES) { platform ->
            val client = newClient(platform.baseUrl())
            val profile = signIn(platform, client, "13900003306")
            val samples = 40
            assertEquals(samples.toUInt(), platform.seedApplications(profile.userId, samples.toUInt(), 1u))
            val applications = client.applications()
            applications.sync()
            val numbers = applications.list(ApplicationFilter.ALL).map(ApplicationSummary::applicationNo)
            assertEquals(samples, numbers.size)

            val arrived = java.util.concurrent.ConcurrentHashMap<String, Long>()
            val listening = launch(Dispatchers.Default) {
                applications.applicationEvents().collect { event ->
                    if (event is ApplicationEvent.StatusChanged) arrived[event.applicationNo] = System.nanoTime()
                }
            }
            applications.setForeground(true)
            withTimeout(ARRIVAL_MS) { applications.liveStateFlow().first { it is LiveState.Live } }

            // One change at a time, from the office's step to the app's listener (the
            // dev route's own round trip included), over the live connection only.
            val latenciesMs = numbers.map { no ->
                val asked = System.nanoTime()
                platform.advanceApplication(no, "accept")
                eventually { arrived.containsKey(no) }
                (arrived.getValue(no) - asked) / 1e6
            }.sorted()
            listening.cancelAndJoin()
            applications.setForeground(false)
            val median = latenciesMs[samples / 2]
            val p99 = latenciesMs[(samples * 99 + 99) / 100 - 1]
            println("ApplicationsTest: status change to the Kotlin event Flow, live over SSE, $samples changes: " +
                "median %.1f ms, p99 %.1f ms".format(median, p99))
            assertTrue(median < 1_000, "median $median ms")
        }
    }
}
