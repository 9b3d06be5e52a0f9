package cn.gov.yn.banshitong

import cn.gov.yn.banshitong.core.Application
import cn.gov.yn.banshitong.core.ApplicationEvent
import cn.gov.yn.banshitong.core.ApplicationFilter
import cn.gov.yn.banshitong.core.ApplicationSummary
import cn.gov.yn.banshitong.core.LiveState
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.buffer
import kotlinx.coroutines.flow.callbackFlow

// Platform-neutral Kotlin, like Subscriptions.kt: the applications screens
// and the JVM tests use the same code. Collecting a flow watches; cancelling
// the collection cancels and releases the core's handle.

/**
 * The application list under [filter] ("in progress", "needs my action",
 * "done"): the device's copy now (offline too), then after each change (a
 * sync, a live event, a withdrawal). Conflated: a slow collector sees the
 * newest list.
 */
fun BstApplications.applicationsFlow(filter: ApplicationFilter = ApplicationFilter.ALL): Flow<List<ApplicationSummary>> =
    subscriptionFlow { emit ->
        watchList(filter, object : ApplicationListListener {
            override fun onApplications(applications: List<ApplicationSummary>) = emit(applications)
        })
    }

/**
 * One application with its timeline and deadlines: as the device holds it
 * now, then each new state; `null` while the device does not hold it (not
 * synced yet, or removed from the user's list). Conflated.
 */
fun BstApplications.applicationFlow(applicationNo: String): Flow<Application?> = subscriptionFlow { emit ->
    watch(applicationNo, object : ApplicationListener {
        override fun onApplication(application: Application?) = emit(application)
    })
}

/**
 * What needs the user (a supplement to give, a fee to pay, completed,
 * delivered) and each status change, from now on, for a local notification.
 * Not conflated: events are a log, every one is delivered in order.
 */
fun BstApplications.applicationEvents(): Flow<ApplicationEvent> = callbackFlow {
    val handle = events(object : ApplicationEventListener {
        override fun onEvent(event: ApplicationEvent) {
            trySend(event)
        }
    })
    awaitClose {
        handle.cancel()
        handle.close()
    }
}.buffer(Channel.UNLIMITED)

/** The live connection (off, connecting, live, retrying): now, then each change. Conflated. */
fun BstApplications.liveStateFlow(): Flow<LiveState> = subscriptionFlow { emit ->
    watchLive(object : LiveStateListener {
        override fun onLiveState(state: LiveState) = emit(state)
    })
}
