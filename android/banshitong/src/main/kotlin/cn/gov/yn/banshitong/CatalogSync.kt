package cn.gov.yn.banshitong

import cn.gov.yn.banshitong.core.SyncOptions
import cn.gov.yn.banshitong.core.SyncPhase
import cn.gov.yn.banshitong.core.SyncProgress
import java.util.concurrent.atomic.AtomicBoolean
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.buffer
import kotlinx.coroutines.flow.channelFlow

// Platform-neutral Kotlin, like Subscriptions.kt.

/**
 * Syncs the offline catalog, emitting each step: Started, then
 * SnapshotImported / PageApplied / Restarted as they happen, then Finished
 * (or Cancelled after [BstCatalog.cancelSync]). Completes when the sync
 * ends; a failed sync throws its [BstException] from `collect`. Cold: each
 * collection runs one sync.
 *
 * Cancelling the collection stops the sync after the page it is applying
 * (a cancelled `sync` call alone would not: the Rust future is dropped but
 * the sync runs on). What was applied stays; the next sync resumes there.
 *
 * Every step is kept (they are few, one per page), so a collector sees
 * them all, in order.
 */
fun BstCatalog.syncFlow(options: SyncOptions = defaultSyncOptions()): Flow<SyncProgress> = channelFlow {
    // Syncs run one at a time, so between this sync's Started and its end,
    // cancelSync() stops this one and no other.
    val running = AtomicBoolean(false)
    val listener = object : SyncListener {
        override fun onProgress(progress: SyncProgress) {
            running.set(progress.phase != SyncPhase.FINISHED && progress.phase != SyncPhase.CANCELLED)
            // Closed: the collector went away before this sync began (it
            // waited for another one) or while it ran.
            if (trySend(progress).isClosed) cancelSync()
        }
    }
    try {
        syncWith(options, listener)
    } catch (e: CancellationException) {
        // Stop it now rather than at its next step.
        if (running.get()) cancelSync()
        throw e
    }
}.buffer(Channel.UNLIMITED)
