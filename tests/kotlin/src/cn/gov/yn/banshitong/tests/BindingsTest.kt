package cn.gov.yn.banshitong.tests

import cn.gov.yn.banshitong.BstClient
import cn.gov.yn.banshitong.BstException
import cn.gov.yn.banshitong.ErrorKind
import cn.gov.yn.banshitong.Logger
import cn.gov.yn.banshitong.coreVersion
import cn.gov.yn.banshitong.defaultClientConfig
import cn.gov.yn.banshitong.initPlatform
import cn.gov.yn.banshitong.memorySecretStore
import cn.gov.yn.banshitong.testingPanicInCore
import cn.gov.yn.banshitong.core.LogRecord
import cn.gov.yn.banshitong.core.RegionLevel
import kotlinx.coroutines.runBlocking
import java.nio.file.Files
import java.util.concurrent.CopyOnWriteArrayList
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import org.junit.Test

class BindingsTest {
    @Test
    fun plainCall(): Unit = runBlocking {
        assertEquals("0.1.0", coreVersion())
        withPlatform { platform ->
            val client = newClient(platform.baseUrl())
            assertEquals("ok", client.health().status)
        }
    }

    @Test
    fun asyncCallFromACoroutine(): Unit = runBlocking {
        withPlatform { platform ->
            val regions = newClient(platform.baseUrl()).regions()
            assertEquals(146, regions.size)
            assertEquals(129, regions.count { it.level == RegionLevel.COUNTY })
            assertEquals("五华区", regions.first { it.code == "530102" }.name)
        }
    }

    @Test
    fun anInsecureEndpointIsATypedException() {
        val dir = Files.createTempDirectory("bst").toString()
        val e = expectFailure { BstClient(defaultClientConfig("http://ynbst.example.cn", dir), memorySecretStore(), null) }
        assertEquals(ErrorKind.INVALID_INPUT, e.kind)
        assertTrue(e.reason.contains("https"), e.reason)
    }

    @Test
    fun aBusyPlatformIsATypedExceptionWithRetryAfter(): Unit = runBlocking {
        withPlatform { platform ->
            val client = newClient(platform.baseUrl())
            platform.injectFault("/api/v1/health", 503u, 1u, 60uL)
            val e = expectFailure { client.health() }
            assertEquals(ErrorKind.UNAVAILABLE, e.kind)
            assertEquals(60_000uL, e.retryAfterMs)
            assertEquals(503.toUShort(), e.status)
        }
    }

    @Test
    fun aStoppedPlatformIsOffline(): Unit = runBlocking {
        val platform = cn.gov.yn.banshitong.ReferencePlatform.start()
        val client = newClient(platform.baseUrl())
        platform.stop()
        val e = expectFailure { client.health() }
        assertEquals(ErrorKind.OFFLINE, e.kind)
    }

    @Test
    fun aKotlinSecretStoreIsCalledFromRust(): Unit = runBlocking {
        val store = KotlinSecretStore()
        val client = newClient("http://127.0.0.1:9", store)
        client.setPreference("u-kotlin", "region", "530102")
        assertEquals("530102", client.preference("u-kotlin", "region"))
        val key = store.secrets.values.single()
        assertEquals(32, key.size, "a 256-bit database key was stored through Kotlin")
        assertTrue(store.calls.get() >= 2)
    }

    @Test
    fun aThrowingSecretStoreBecomesAnError(): Unit = runBlocking {
        val client = newClient("http://127.0.0.1:9", ThrowingSecretStore())
        val e = expectFailure { client.setPreference("u-kotlin", "k", "v") }
        assertEquals(ErrorKind.SECRET_STORE, e.kind)
        assertTrue(e.reason.contains("keystore unavailable"), e.reason)
    }

    @Test
    fun aPanicInTheCoreBecomesAnError(): Unit = runBlocking {
        val e = expectFailure { testingPanicInCore() }
        assertEquals(ErrorKind.INTERNAL, e.kind)
        assertTrue(e.reason.contains("deliberate panic"), e.reason)
    }

    @Test
    fun logRecordsReachAKotlinLogger(): Unit = runBlocking {
        val records = CopyOnWriteArrayList<LogRecord>()
        initPlatform("warn,banshitong_core=debug", object : Logger {
            override fun log(record: LogRecord) { records.add(record) }
        })
        withPlatform { platform ->
            val client = newClient(platform.baseUrl())
            platform.injectFault("/api/v1/health", 503u, 1u, 0uL)
            client.health()
        }
        assertTrue(records.any { it.target.startsWith("banshitong_core") && it.message.contains("retrying") }, records.toString())
    }

    @Test
    fun exceptionsCarryTheirFieldsIntoKotlin() {
        val e: BstException = expectFailure {
            BstClient(defaultClientConfig("ftp://127.0.0.1", ""), memorySecretStore(), null)
        }
        assertTrue(e is BstException.Failure)
    }
}
