package cn.gov.yn.banshitong.tests

import cn.gov.yn.banshitong.ConnectivityListener
import cn.gov.yn.banshitong.connectivityFlow
import cn.gov.yn.banshitong.subscriptionFlow
import cn.gov.yn.banshitong.core.Connectivity
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import java.util.concurrent.atomic.AtomicInteger
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertTrue
import org.junit.Test

class SubscriptionTest {
    @Test
    fun currentValueFirstThenChangesAsAFlow(): Unit = runBlocking {
        withPlatform { platform ->
            val client = newClient(platform.baseUrl())
            val seen = Channel<Connectivity>(Channel.UNLIMITED)
            val collector = launch(Dispatchers.Default) { client.connectivityFlow().collect { seen.send(it) } }
            withTimeout(10_000) {
                assertEquals(Connectivity.UNKNOWN, seen.receive())
                client.health()
                assertEquals(Connectivity.ONLINE, seen.receive())
                platform.stop()
                runCatching { client.health() }
                assertEquals(Connectivity.OFFLINE, seen.receive())
            }
            collector.cancelAndJoin()
        }
    }

    @Test
    fun theFlowEndsWhenTheCollectorTakesEnough(): Unit = runBlocking {
        withPlatform { platform ->
            val client = newClient(platform.baseUrl())
            val first = withTimeout(10_000) { client.connectivityFlow().first() }
            assertEquals(Connectivity.UNKNOWN, first)
            val two = launch(Dispatchers.Default) {
                assertEquals(listOf(Connectivity.UNKNOWN, Connectivity.ONLINE), client.connectivityFlow().take(2).toList())
            }
            // Give the collector time to subscribe before the state changes.
            kotlinx.coroutines.delay(200)
            client.health()
            withTimeout(10_000) { two.join() }
        }
    }

    @Test
    fun cancellingTheHandleStopsDeliveries(): Unit = runBlocking {
        withPlatform { platform ->
            val client = newClient(platform.baseUrl())
            val calls = AtomicInteger()
            val handle = client.watchConnectivity(object : ConnectivityListener {
                override fun onChange(state: Connectivity) { calls.incrementAndGet() }
            })
            withTimeout(10_000) { while (calls.get() < 1) kotlinx.coroutines.delay(10) }
            assertTrue(handle.isActive())
            handle.cancel()
            assertFalse(handle.isActive())
            client.health()
            kotlinx.coroutines.delay(300)
            assertEquals(1, calls.get(), "no delivery after cancel()")
            handle.close()
        }
    }

    @Test
    fun cancellingTheCollectingCoroutineCancelsTheHandle(): Unit = runBlocking {
        withPlatform { platform ->
            val client = newClient(platform.baseUrl())
            // Counts calls made by Rust, so it sees whether the core stopped, not just the Flow.
            val calls = AtomicInteger()
            val flow = subscriptionFlow<Connectivity> { emit ->
                client.watchConnectivity(object : ConnectivityListener {
                    override fun onChange(state: Connectivity) {
                        calls.incrementAndGet()
                        emit(state)
                    }
                })
            }
            val collector = launch(Dispatchers.Default) { flow.collect { } }
            withTimeout(10_000) { while (calls.get() < 1) kotlinx.coroutines.delay(10) }
            collector.cancelAndJoin()
            client.health()
            kotlinx.coroutines.delay(300)
            assertEquals(1, calls.get(), "Rust stopped calling once the coroutine was cancelled")
        }
    }

    @Test
    fun aListenerThatThrowsDoesNotStopTheStream(): Unit = runBlocking {
        withPlatform { platform ->
            val client = newClient(platform.baseUrl())
            val calls = AtomicInteger()
            val handle = client.watchConnectivity(object : ConnectivityListener {
                override fun onChange(state: Connectivity) {
                    calls.incrementAndGet()
                    throw IllegalStateException("UI bug")
                }
            })
            withTimeout(10_000) { while (calls.get() < 1) kotlinx.coroutines.delay(10) }
            client.health()
            withTimeout(10_000) { while (calls.get() < 2) kotlinx.coroutines.delay(10) }
            assertTrue(handle.isActive())
            handle.cancel()
            handle.close()
        }
    }
}
