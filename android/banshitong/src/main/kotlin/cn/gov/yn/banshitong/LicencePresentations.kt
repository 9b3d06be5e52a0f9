package cn.gov.yn.banshitong

import cn.gov.yn.banshitong.core.Disclosure
import cn.gov.yn.banshitong.core.Presentation
import cn.gov.yn.banshitong.core.PresentationMode
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.callbackFlow
import kotlinx.coroutines.flow.conflate

// Platform-neutral Kotlin (no Android imports), like Subscriptions.kt: the
// licence screen and the JVM tests use the same code.

/**
 * The codes to show for a licence: one now, then a fresh one a little before
 * each expires, for as long as the screen collects. Draw [Presentation.qrText]
 * (see [qrMatrix]) and count down with [secondsLeft]. When no more can be made
 * (an online token with the network gone) the flow fails with that
 * [BstException]; the screen can then say why or switch to [PresentationMode.OFFLINE].
 */
fun BstLicences.presentationFlow(
    id: String,
    mode: PresentationMode,
    disclosure: Disclosure,
): Flow<Presentation> = callbackFlow {
    val handle = watchPresentations(id, mode, disclosure, object : PresentationListener {
        override fun onPresentation(presentation: Presentation) {
            trySend(presentation)
        }

        override fun onFailure(kind: ErrorKind, reason: String) {
            close(BstException.Failure(kind, reason, null, null, null, null, null))
        }
    })
    awaitClose {
        handle.cancel()
        handle.close()
    }
}.conflate()

/** Whole seconds until the code expires at [nowMs] (rounded up, never negative): the countdown. */
fun Presentation.secondsLeft(nowMs: Long = System.currentTimeMillis()): Long =
    ((expiresAtMs - nowMs).coerceAtLeast(0) + 999) / 1000
