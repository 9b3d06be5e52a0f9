package cn.gov.yn.banshitong.android

import android.content.Context
import androidx.work.ExistingWorkPolicy
import androidx.work.WorkManager
import androidx.work.WorkerParameters
import cn.gov.yn.banshitong.BstClient
import java.time.Duration

/**
 * Finishes queued material uploads when the app is not running them: after
 * it was killed, or while it is in the background. It calls the core's
 * `resumePending` with a budget under WorkManager's ten minutes per run; the
 * core uploads what fits and stops cleanly, and what is left (the platform
 * keeps what arrived) makes the run ask to be retried.
 *
 * While the app runs, its own queue uploads too; both are the one queue,
 * so nothing is sent twice. With nobody signed in a run has nothing to do;
 * the next sign-in's `materials()` resumes the uploads in the app.
 */
class MaterialUploadWorker(context: Context, params: WorkerParameters) : ClientWorker(context, params) {

    override suspend fun run(client: BstClient): Result {
        val report = client.materials().resumePending(BUDGET)
        return if (report.remaining == 0u) Result.success() else Result.retry()
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
            WorkManager.getInstance(context)
                .enqueueUniqueWork(UNIQUE_WORK, ExistingWorkPolicy.KEEP, ClientWorker.oneRunOnline<MaterialUploadWorker>())
        }
    }
}
