package cn.gov.yn.banshitong.android

import android.content.Context
import androidx.work.BackoffPolicy
import androidx.work.Constraints
import androidx.work.CoroutineWorker
import androidx.work.ExistingWorkPolicy
import androidx.work.NetworkType
import androidx.work.OneTimeWorkRequestBuilder
import androidx.work.WorkManager
import androidx.work.WorkerParameters
import cn.gov.yn.banshitong.BstClient
import cn.gov.yn.banshitong.BstException
import cn.gov.yn.banshitong.ErrorKind
import java.time.Duration
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
 * Finishes queued material uploads when the app is not running them: after
 * it was killed, or while it is in the background. It calls the core's
 * `resumePending` with a budget under WorkManager's ten minutes per run; the
 * core uploads what fits and stops cleanly, and what is left (the platform
 * keeps what arrived) makes the run ask to be retried.
 *
 * While the app runs, its own queue uploads too; both are the one queue,
 * so nothing is sent twice.
 */
class MaterialUploadWorker(context: Context, params: WorkerParameters) : CoroutineWorker(context, params) {

    override suspend fun doWork(): Result {
        val provider = applicationContext as? BstClientProvider ?: return Result.failure()
        return try {
            val report = provider.client().materials().resumePending(BUDGET)
            if (report.remaining == 0u) Result.success() else Result.retry()
        } catch (e: BstException.Failure) {
            when (e.kind) {
                // Nobody signed in: no one's uploads to send. The next sign-in's
                // `materials()` resumes them in the app.
                ErrorKind.UNAUTHORIZED, ErrorKind.SESSION_EXPIRED -> Result.success()
                else -> Result.retry()
            }
        }
    }

    companion object {
        /** WorkManager stops a run after ten minutes; one minute is left to stop cleanly. */
        val BUDGET: Duration = Duration.ofMinutes(9)

        private const val UNIQUE_WORK = "cn.gov.yn.banshitong.material-uploads"

        /**
         * Asks WorkManager to run the worker once the network is up. One at a
         * time: a run already waiting or running covers the new upload, since
         * each run takes whatever the queue holds.
         */
        fun schedule(context: Context) {
            val request = OneTimeWorkRequestBuilder<MaterialUploadWorker>()
                .setConstraints(Constraints.Builder().setRequiredNetworkType(NetworkType.CONNECTED).build())
                .setBackoffCriteria(BackoffPolicy.EXPONENTIAL, 30, TimeUnit.SECONDS)
                .build()
            WorkManager.getInstance(context).enqueueUniqueWork(UNIQUE_WORK, ExistingWorkPolicy.KEEP, request)
        }
    }
}
