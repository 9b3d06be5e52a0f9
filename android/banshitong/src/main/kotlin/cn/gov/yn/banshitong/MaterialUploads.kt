package cn.gov.yn.banshitong

import cn.gov.yn.banshitong.core.UploadItem
import cn.gov.yn.banshitong.core.UploadProgress
import cn.gov.yn.banshitong.core.UploadState
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.callbackFlow
import kotlinx.coroutines.flow.conflate
import kotlinx.coroutines.flow.transformWhile

// Platform-neutral Kotlin, like Subscriptions.kt: upload progress and the
// upload queue as Flows for a screen.

/** Whether nothing more will happen to the item on its own: done, refused or cancelled. */
val UploadState.isFinal: Boolean
    get() = this is UploadState.Done || this is UploadState.Failed || this is UploadState.Cancelled

/**
 * One upload's progress, for a progress bar: now, then a few times a second
 * at most while bytes go out; completes after the upload's final state
 * ([UploadState.Done], [UploadState.Failed] or [UploadState.Cancelled]),
 * which is always emitted. Conflated: a slow collector skips to the newest
 * progress. Throws [BstException] (`NOT_FOUND`) for an id the queue does
 * not hold.
 *
 * Collecting only watches: cancelling the collection stops the watch, not
 * the upload (use [BstMaterials.pause] or [BstMaterials.cancel] for that).
 */
fun BstMaterials.uploadFlow(id: String): Flow<UploadProgress> = callbackFlow {
    val handle = watchUpload(id, object : UploadListener {
        override fun onProgress(progress: UploadProgress) {
            trySend(progress)
        }
    })
    awaitClose {
        handle.cancel()
        handle.close()
    }
}.conflate().transformWhile { progress ->
    emit(progress)
    !progress.state.isFinal
}

/** The upload queue ("2 photos uploading"): its items now, newest first, then after each change. */
fun BstMaterials.uploadsFlow(): Flow<List<UploadItem>> = subscriptionFlow { emit ->
    watchUploads(object : UploadQueueListener {
        override fun onQueue(items: List<UploadItem>) = emit(items)
    })
}
