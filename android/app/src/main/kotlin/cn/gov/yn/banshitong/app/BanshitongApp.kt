package cn.gov.yn.banshitong.app

import android.app.Application
import cn.gov.yn.banshitong.BstClient
import cn.gov.yn.banshitong.BstException
import cn.gov.yn.banshitong.android.ApplicationSyncWorker
import cn.gov.yn.banshitong.android.BstClientProvider
import cn.gov.yn.banshitong.android.KeystoreSecretStore
import cn.gov.yn.banshitong.android.LogcatLogger
import cn.gov.yn.banshitong.defaultClientConfig
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext

class BanshitongApp : Application(), BstClientProvider {

    // One core client per process: it owns the databases and the connection
    // pool, so it outlives any screen. Building it loads the native library
    // and opens the catalog database, hence off the main thread (see
    // client()); if building fails (BstException), the next call tries again.
    private val coreClient = lazy {
        BstClient(
            config = defaultClientConfig(BuildConfig.API_BASE_URL, filesDir.path),
            secretStore = KeystoreSecretStore(this),
            logger = LogcatLogger(),
        )
    }

    // Work of the process rather than of a screen (being in the foreground
    // or not), on the main thread so that calls run in the order made.
    private val processScope = CoroutineScope(SupervisorJob() + Dispatchers.Main.immediate)
    private var foregroundChange: Job? = null

    override fun onCreate() {
        super.onCreate()
        // The backstop for lost pushes: a sync every few hours in the
        // background. Asked at every start; an existing schedule is kept.
        ApplicationSyncWorker.schedulePeriodic(this)
    }

    /**
     * The process's client, built on first use. Throws BstException.Failure if
     * it cannot be built. Also what MaterialUploadWorker and
     * ApplicationSyncWorker use when WorkManager starts the process.
     */
    override suspend fun client(): BstClient = withContext(Dispatchers.IO) { coreClient.value }

    /**
     * The app came on screen (true, from the activity's onStart) or left it
     * (false, onStop): while on screen, the core keeps the live connection
     * for the applications' status open and syncs when it comes back. The
     * last call wins: a stop right after a start cancels the start if it is
     * still waiting for the client.
     */
    fun setForeground(foreground: Boolean) {
        foregroundChange?.cancel()
        foregroundChange = processScope.launch {
            try {
                client().applications().setForeground(foreground)
            } catch (e: BstException.Failure) {
                // Nobody signed in, or no client: nothing to keep live. A
                // sign-in screen calls this again once signed in.
            }
        }
    }
}
