package cn.gov.yn.banshitong.android

import android.content.Context
import androidx.work.ExistingPeriodicWorkPolicy
import androidx.work.ExistingWorkPolicy
import androidx.work.PeriodicWorkRequestBuilder
import androidx.work.WorkManager
import androidx.work.WorkerParameters
import cn.gov.yn.banshitong.BstClient
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
class ApplicationSyncWorker(context: Context, params: WorkerParameters) : ClientWorker(context, params) {

    override suspend fun run(client: BstClient): Result {
        client.applications().backgroundSync(BUDGET)
        // What did not fit in the budget waits for the next run or the
        // next foreground; nothing is lost by stopping.
        return Result.success()
    }

    companion object {
        /** Well inside WorkManager's ten minutes a run; a sync takes seconds. */
        val BUDGET: Duration = Duration.ofMinutes(2)

        private const val PERIODIC_WORK = "cn.gov.yn.banshitong.application-sync"
        private const val SOON_WORK = "cn.gov.yn.banshitong.application-sync-soon"

        /**
         * Asks for a run every [hours] hours with the network up (call once
         * after sign-in, or at every start: an existing schedule is kept).
         */
        fun schedulePeriodic(context: Context, hours: Long = 4) {
            val request = PeriodicWorkRequestBuilder<ApplicationSyncWorker>(hours, TimeUnit.HOURS)
                .setConstraints(ClientWorker.online)
                .build()
            WorkManager.getInstance(context)
                .enqueueUniquePeriodicWork(PERIODIC_WORK, ExistingPeriodicWorkPolicy.KEEP, request)
        }

        /** One run as soon as the network is up; a run already waiting covers it. */
        fun syncSoon(context: Context) {
            WorkManager.getInstance(context)
                .enqueueUniqueWork(SOON_WORK, ExistingWorkPolicy.KEEP, ClientWorker.oneRunOnline<ApplicationSyncWorker>())
        }
    }
}
