package cn.gov.yn.banshitong.android

import android.content.Context
import cn.gov.yn.banshitong.BstException
import cn.gov.yn.banshitong.core.PushOutcome
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeoutOrNull

/**
 * The FCM side of "application status kept in sync": the platform sends a
 * data message (a flat string map, no personal data) when an application
 * changes; the core treats it as a hint and syncs.
 *
 * The app's `FirebaseMessagingService` calls it, so this library needs no
 * Firebase dependency:
 *
 *     override fun onMessageReceived(message: RemoteMessage) {
 *         if (!ApplicationPushes.onDataMessage(applicationContext, message.data)) {
 *             // not ours: another SDK's message
 *         }
 *     }
 */
object ApplicationPushes {
    /**
     * FCM gives `onMessageReceived` (a background thread) about 20 seconds;
     * the sync gets this much of them, the rest is left to a scheduled run.
     */
    private const val HANDLE_WITHIN_MS = 10_000L

    /** Whether [data] is one of the platform's messages (its `bst` marker). */
    fun isOurs(data: Map<String, String>): Boolean = data.containsKey("bst")

    /**
     * Handles one data message: answers false (and does nothing) for
     * another SDK's message. Ours goes to the core's `handlePush`, which
     * never throws: a malformed payload, another user's or one with nobody
     * signed in is ignored with a reason. When the sync fails or takes too
     * long, [ApplicationSyncWorker] runs once the network is up, so the
     * change still arrives.
     */
    fun onDataMessage(context: Context, data: Map<String, String>): Boolean {
        if (!isOurs(data)) return false
        val provider = context.applicationContext as? BstClientProvider ?: return true
        // Blocking is what onMessageReceived expects: FCM may stop the
        // process once it returns.
        val outcome = try {
            runBlocking { withTimeoutOrNull(HANDLE_WITHIN_MS) { provider.client().handlePush(data) } }
        } catch (e: BstException) {
            // The client could not be built (its storage, its keystore):
            // nothing to handle with now; the scheduled run tries again.
            null
        }
        if (outcome == null || outcome is PushOutcome.SyncFailed) {
            ApplicationSyncWorker.syncSoon(context)
        }
        return true
    }
}
