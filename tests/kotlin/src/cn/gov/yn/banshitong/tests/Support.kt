package cn.gov.yn.banshitong.tests

import cn.gov.yn.banshitong.BstClient
import cn.gov.yn.banshitong.BstDrafts
import cn.gov.yn.banshitong.BstException
import cn.gov.yn.banshitong.ReferencePlatform
import cn.gov.yn.banshitong.SecretStore
import cn.gov.yn.banshitong.core.ClientConfig
import cn.gov.yn.banshitong.core.GuideFilters
import cn.gov.yn.banshitong.core.Profile
import cn.gov.yn.banshitong.core.SearchRequest
import cn.gov.yn.banshitong.defaultClientConfig
import cn.gov.yn.banshitong.forms.FieldKind
import cn.gov.yn.banshitong.forms.FieldSpec
import cn.gov.yn.banshitong.testingWriteSamplePdf
import cn.gov.yn.banshitong.testingWriteSamplePhoto
import java.nio.file.Files
import java.time.Duration
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicInteger
import kotlin.test.assertTrue
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeout

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

/** Waits until [condition] holds, checking every 10 ms; fails after [withinMs]. */
suspend fun eventually(withinMs: Long = 20_000L, condition: () -> Boolean) {
    withTimeout(withinMs) { while (!condition()) delay(10) }
}

/** The code of the first guide the catalog finds for [query]. */
suspend fun firstGuide(client: BstClient, query: String): String {
    val filters = GuideFilters(null, null, null, null, null)
    val hits = client.catalog().search(SearchRequest(query, filters, null, null, 0u)).hits
    assertTrue(hits.isNotEmpty(), "no guide for $query")
    return hits.first().code
}

/** JSON text for a string: answers cross the FFI as JSON. */
fun json(text: String) = "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\""

/** The field an error path names: `name`, `spouse[0].name`. */
private fun spec(fields: List<FieldSpec>, path: String): FieldSpec? {
    val parts = path.split('.', limit = 2)
    val field = fields.find { it.key == parts[0].substringBefore('[') } ?: return null
    val kind = field.kind
    return when {
        parts.size == 1 -> field
        kind is FieldKind.Group -> spec(kind.fields, parts[1])
        else -> null
    }
}

/** A valid answer (JSON text) for a field of this kind. */
private fun valid(kind: FieldKind): String = when (kind) {
    is FieldKind.Text -> json("测试内容")
    is FieldKind.Number -> "1"
    is FieldKind.Date -> json("2020-01-01")
    is FieldKind.SingleChoice -> json(kind.options.first().value)
    is FieldKind.MultipleChoice -> "[" + json(kind.options.first().value) + "]"
    is FieldKind.Region -> json("530102")
    is FieldKind.IdNumber -> json("11010519491231002X")
    is FieldKind.CreditCode -> json("91350100M000100Y43")
    is FieldKind.Mobile -> json("13800000000")
    is FieldKind.Address -> json("昆明市五华区人民路1号")
    is FieldKind.Group -> "[{}]"
}

/**
 * Answers whatever validation asks for, by the schema, until the draft is
 * valid (as core/tests/drafts.rs does). A field gets a valid answer for its
 * kind; a missing material goes to [fillSlot] with the slot's key, since how
 * a slot is filled (a new upload, a scan already uploaded) is each test's.
 */
suspend fun fillUntilValid(drafts: BstDrafts, id: String, fillSlot: suspend (slotKey: String) -> Unit) {
    val schema = drafts.schema(id)
    repeat(40) {
        val error = drafts.validate(id).firstOrNull() ?: return
        val slotKey = error.path.removePrefix("materials.")
        if (slotKey != error.path) {
            fillSlot(slotKey)
        } else {
            val field = spec(schema.fields, error.path) ?: throw AssertionError("no field for ${error.path}")
            drafts.setField(id, error.path, valid(field.kind))
        }
    }
    throw AssertionError("still invalid: ${drafts.validate(id)}")
}
