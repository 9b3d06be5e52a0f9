package cn.gov.yn.banshitong.android

import android.content.Context
import androidx.work.BackoffPolicy
import androidx.work.Constraints
import androidx.work.CoroutineWorker
import androidx.work.ListenableWorker
import androidx.work.NetworkType
import androidx.work.OneTimeWorkRequest
import androidx.work.OneTimeWorkRequestBuilder
import androidx.work.WorkerParameters
import cn.gov.yn.banshitong.BstClient
import cn.gov.yn.banshitong.BstException
import cn.gov.yn.banshitong.ErrorKind
import java.util.concurrent.TimeUnit

/**
 * Implemented by the app's `Application`, so work that WorkManager starts
 * (perhaps in a fresh process, with no screen) reaches the process's one
 * client.
 */
interface BstClientProvider {
    suspend fun client(): BstClient
}

/**
 * What the core's background workers share ([MaterialUploadWorker],
 * [ApplicationSyncWorker]): the process's client from the app's
 * [BstClientProvider], one bounded [run] with it, and the same answer to
 * WorkManager when the core fails. Nobody signed in is a success (nobody's
 * work to do; the next sign-in picks it up in the app); any other failure
 * asks to be retried with back-off.
 */
abstract class ClientWorker(context: Context, params: WorkerParameters) : CoroutineWorker(context, params) {

    /** One run with the process's client; what to tell WorkManager. */
    protected abstract suspend fun run(client: BstClient): ListenableWorker.Result

    final override suspend fun doWork(): ListenableWorker.Result {
        val provider = applicationContext as? BstClientProvider ?: return ListenableWorker.Result.failure()
        return try {
            run(provider.client())
        } catch (e: BstException.Failure) {
            when (e.kind) {
                ErrorKind.UNAUTHORIZED, ErrorKind.SESSION_EXPIRED -> ListenableWorker.Result.success()
                else -> ListenableWorker.Result.retry()
            }
        }
    }

    companion object {
        /** With the network up: every run talks to the platform. */
        val online: Constraints = Constraints.Builder().setRequiredNetworkType(NetworkType.CONNECTED).build()

        /** One run of [W] once the network is up, retried with back-off from 30 seconds. */
        inline fun <reified W : ClientWorker> oneRunOnline(): OneTimeWorkRequest =
            OneTimeWorkRequestBuilder<W>()
                .setConstraints(online)
                .setBackoffCriteria(BackoffPolicy.EXPONENTIAL, 30, TimeUnit.SECONDS)
                .build()
    }
}
