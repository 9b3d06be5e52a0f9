package cn.gov.yn.banshitong.android

import android.content.Context
import androidx.work.BackoffPolicy
import androidx.work.Constraints
import androidx.work.CoroutineWorker
import androidx.work.ExistingPeriodicWorkPolicy
import androidx.work.ExistingWorkPolicy
import androidx.work.NetworkType
import androidx.work.OneTimeWorkRequestBuilder
import androidx.work.PeriodicWorkRequestBuilder
import androidx.work.WorkManager
import androidx.work.WorkerParameters
import cn.gov.yn.banshitong.BstException
import cn.gov.yn.banshitong.ErrorKind
import java.time.Duration
import java.util.concurrent.TimeUnit

/**
 * Keeps the user's applications right while the app is not on screen: one
 * bounded run of the core's `backgroundSync` (it sends what the outbox
 * holds, resumes uploads and syncs the applications, then stops cleanly).
 * Scheduled every few hours as a backstop for lost pushes, and once soon
 * when a push could not be handled at once (see [ApplicationPushes]).
 *
 * The list is synced, not notified: the app raises local notifications from
 * `applicationEvents()` while it runs, and a push's sync in the background
 * changes what the list shows when it opens.
 */
class ApplicationSyncWorker(context: Context, params: WorkerParameters) : CoroutineWorker(context, params) {

    override suspend fun doWork(): Result {
        val provider = applicationContext as? BstClientProvider ?: return Result.failure()
        return try {
            provider.client().applications().backgroundSync(BUDGET)
            // What did not fit in the budget waits for the next run or the
            // next foreground; nothing is lost by stopping.
            Result.success()
        } catch (e: BstException.Failure) {
            when (e.kind) {
                // Nobody signed in: nobody's applications to sync.
                ErrorKind.UNAUTHORIZED, ErrorKind.SESSION_EXPIRED -> Result.success()
                else -> Result.retry()
            }
        }
    }

    companion object {
        /** Well inside WorkManager's ten minutes a run; a sync takes seconds. */
        val BUDGET: Duration = Duration.ofMinutes(2)

        private const val PERIODIC_WORK = "cn.gov.yn.banshitong.application-sync"
        private const val SOON_WORK = "cn.gov.yn.banshitong.application-sync-soon"

        private val online = Constraints.Builder().setRequiredNetworkType(NetworkType.CONNECTED).build()

        /**
         * Asks for a run every [hours] hours with the network up (call once
         * after sign-in, or at every start: an existing schedule is kept).
         */
        fun schedulePeriodic(context: Context, hours: Long = 4) {
            val request = PeriodicWorkRequestBuilder<ApplicationSyncWorker>(hours, TimeUnit.HOURS)
                .setConstraints(online)
                .build()
            WorkManager.getInstance(context)
                .enqueueUniquePeriodicWork(PERIODIC_WORK, ExistingPeriodicWorkPolicy.KEEP, request)
        }

        /** One run as soon as the network is up; a run already waiting covers it. */
        fun syncSoon(context: Context) {
            val request = OneTimeWorkRequestBuilder<ApplicationSyncWorker>()
                .setConstraints(online)
                .setBackoffCriteria(BackoffPolicy.EXPONENTIAL, 30, TimeUnit.SECONDS)
                .build()
            WorkManager.getInstance(context).enqueueUniqueWork(SOON_WORK, ExistingWorkPolicy.KEEP, request)
        }
    }
}
