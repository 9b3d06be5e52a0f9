package cn.gov.yn.banshitong

import cn.gov.yn.banshitong.core.Connectivity
import cn.gov.yn.banshitong.core.Draft
import cn.gov.yn.banshitong.core.DraftState
import cn.gov.yn.banshitong.core.OutboxStatus
import cn.gov.yn.banshitong.core.SessionState
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.callbackFlow
import kotlinx.coroutines.flow.conflate

// Platform-neutral Kotlin (no Android imports): the app and the JVM tests use
// the same code. A subscription's handle is cancelled and released when the
// collecting coroutine is cancelled, so a screen that goes away stops the
// stream in Rust too.

/**
 * Turns a core subscription into a Flow. [subscribe] registers a listener
 * that forwards each value to the given function and returns the handle.
 * Conflated: a slow collector sees the latest state, not a backlog.
 */
fun <T> subscriptionFlow(subscribe: (emit: (T) -> Unit) -> SubscriptionHandle): Flow<T> = callbackFlow {
    val handle = subscribe { value -> trySend(value) }
    awaitClose {
        handle.cancel()
        handle.close()
    }
}.conflate()

/** Whether the platform can be reached: the current value first, then each change. */
fun BstClient.connectivityFlow(): Flow<Connectivity> = subscriptionFlow { emit ->
    watchConnectivity(object : ConnectivityListener {
        override fun onChange(state: Connectivity) = emit(state)
    })
}

/** The session (signed out, signed in, expired): the current value first, then each change. */
fun BstAuth.sessionFlow(): Flow<SessionState> = subscriptionFlow { emit ->
    watchSession(object : SessionListener {
        override fun onChange(state: SessionState) = emit(state)
    })
}

/**
 * One draft: its current version first, then each new one (autosaves, the
 * outbox sending it, the platform's answer: [DraftState.Submitted] with the
 * application number). Conflated like every subscription: a slow collector
 * skips to the newest version. Emits nothing more once the draft is deleted.
 */
fun BstDrafts.draftFlow(id: String): Flow<Draft> = subscriptionFlow { emit ->
    watchDraft(id, object : DraftListener {
        override fun onDraft(draft: Draft) = emit(draft)
    })
}

/** The submission outbox ("1 application waiting for the network"): the current status first, then each change. */
fun BstDrafts.outboxFlow(): Flow<OutboxStatus> = subscriptionFlow { emit ->
    watchOutbox(object : OutboxListener {
        override fun onOutbox(status: OutboxStatus) = emit(status)
    })
}
