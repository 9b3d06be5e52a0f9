package cn.gov.yn.banshitong.tests

import cn.gov.yn.banshitong.BstClient
import cn.gov.yn.banshitong.BstException
import cn.gov.yn.banshitong.ReferencePlatform
import cn.gov.yn.banshitong.SecretStore
import cn.gov.yn.banshitong.core.ClientConfig
import cn.gov.yn.banshitong.core.Profile
import cn.gov.yn.banshitong.defaultClientConfig
import cn.gov.yn.banshitong.testingWriteSamplePdf
import cn.gov.yn.banshitong.testingWriteSamplePhoto
import java.nio.file.Files
import java.time.Duration
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicInteger

/** A keystore written in Kotlin, as the Android app's Keystore-backed one is. */
class KotlinSecretStore : SecretStore {
    val secrets = ConcurrentHashMap<String, ByteArray>()
    val calls = AtomicInteger()

    override fun get(name: String): ByteArray? { calls.incrementAndGet(); return secrets[name] }
    override fun set(name: String, secret: ByteArray) { calls.incrementAndGet(); secrets[name] = secret }
    override fun delete(name: String) { calls.incrementAndGet(); secrets.remove(name) }
    override fun describe(): String = "Kotlin test store (in memory)"
}

/** A keystore whose every call throws, as a broken device keystore might. */
class ThrowingSecretStore : SecretStore {
    override fun get(name: String): ByteArray? = throw IllegalStateException("keystore unavailable")
    override fun set(name: String, secret: ByteArray) = throw IllegalStateException("keystore unavailable")
    override fun delete(name: String) = throw IllegalStateException("keystore unavailable")
    override fun describe(): String = "always throws"
}

fun newClient(
    baseUrl: String,
    store: SecretStore = KotlinSecretStore(),
    dir: String = Files.createTempDirectory("bst-kotlin-test").toString(),
    configure: (ClientConfig) -> Unit = {},
): BstClient {
    val config = defaultClientConfig(baseUrl, dir)
    // Fast retries: tests should not wait for production back-off.
    config.retry.maxAttempts = 2u
    config.retry.baseDelay = Duration.ofMillis(20)
    configure(config)
    return BstClient(config, store, null)
}

/** Runs [body] with a fresh reference platform ([guides] in its catalog, or the default 3,000), stopped afterwards. */
suspend fun <T> withPlatform(guides: UInt? = null, body: suspend (ReferencePlatform) -> T): T {
    val platform = if (guides == null) ReferencePlatform.start() else ReferencePlatform.startWithGuides(guides)
    try {
        return body(platform)
    } finally {
        platform.stop()
        platform.close()
    }
}

/** Signs [client] in as [phone] by SMS, with the code from the platform's dev outbox (registers a new number). */
suspend fun signIn(platform: ReferencePlatform, client: BstClient, phone: String): Profile {
    client.auth().sendSmsCode(phone)
    return client.auth().signInWithSms(phone, platform.smsCode(phone))
}

inline fun expectFailure(block: () -> Unit): BstException.Failure {
    try {
        block()
    } catch (e: BstException.Failure) {
        return e
    }
    throw AssertionError("expected a BstException.Failure")
}

/** A path named [name] in a fresh temporary folder. */
fun tempFile(name: String): String =
    Files.createTempDirectory("bst-kotlin-file").resolve(name).toString()

/** A sample PDF of [size] bytes; another [seed] makes another file (another sha256). */
fun samplePdf(size: ULong, seed: ULong, name: String = "scan-$seed.pdf"): String =
    tempFile(name).also { testingWriteSamplePdf(it, size, seed) }

/** The sideways phone photo with GPS in its EXIF, as a file. */
fun samplePhoto(name: String = "IMG_0001.jpg"): String =
    tempFile(name).also { testingWriteSamplePhoto(it) }
