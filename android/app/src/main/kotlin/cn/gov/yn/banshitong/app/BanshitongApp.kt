package cn.gov.yn.banshitong.app

import android.app.Application
import cn.gov.yn.banshitong.BstClient
import cn.gov.yn.banshitong.android.BstClientProvider
import cn.gov.yn.banshitong.android.KeystoreSecretStore
import cn.gov.yn.banshitong.android.LogcatLogger
import cn.gov.yn.banshitong.defaultClientConfig
import kotlinx.coroutines.Dispatchers
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

    /**
     * The process's client, built on first use. Throws BstException.Failure if
     * it cannot be built. Also what MaterialUploadWorker uses when WorkManager
     * starts the process to finish uploads.
     */
    override suspend fun client(): BstClient = withContext(Dispatchers.IO) { coreClient.value }
}
