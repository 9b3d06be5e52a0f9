package cn.gov.yn.banshitong.tests

import cn.gov.yn.banshitong.ErrorKind
import cn.gov.yn.banshitong.core.SessionState
import cn.gov.yn.banshitong.core.Tier
import cn.gov.yn.banshitong.core.Verification
import cn.gov.yn.banshitong.sessionFlow
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kotlin.test.assertEquals
import kotlin.test.assertIs
import kotlin.test.assertNull
import org.junit.Test

class AuthTest {
    @Test
    fun smsSignInWithTheSessionStateAsAFlow(): Unit = runBlocking {
        withPlatform { platform ->
            val client = newClient(platform.baseUrl())
            val states = Channel<SessionState>(Channel.UNLIMITED)
            val collector = launch(Dispatchers.Default) { client.auth().sessionFlow().collect { states.send(it) } }
            withTimeout(10_000) {
                assertEquals(SessionState.SignedOut, states.receive())
                val profile = signIn(platform, client, "13800001111")
                assertEquals("138****1111", profile.phone)
                val signedIn = assertIs<SessionState.SignedIn>(states.receive())
                assertEquals(Tier.REGISTERED, signedIn.tier)
                assertEquals(profile, signedIn.profile)
            }
            collector.cancelAndJoin()
        }
    }

    @Test
    fun aWrongCodeNamesTheField(): Unit = runBlocking {
        withPlatform { platform ->
            val client = newClient(platform.baseUrl())
            client.auth().sendSmsCode("13800001112")
            val right = platform.smsCode("13800001112")
            val e = expectFailure { client.auth().signInWithSms("13800001112", if (right == "000000") "111111" else "000000") }
            assertEquals(ErrorKind.VALIDATION, e.kind)
            assertEquals("code", e.field)
        }
    }

    @Test
    fun refreshAfterExpiryIsTransparentAndSingle(): Unit = runBlocking {
        withPlatform { platform ->
            val client = newClient(platform.baseUrl())
            signIn(platform, client, "13800001113")
            val before = platform.refreshGrants()
            platform.expireAccessTokens()
            assertEquals("138****1113", client.auth().profile().phone)
            assertEquals(before + 1uL, platform.refreshGrants())
        }
    }

    @Test
    fun verificationAndTheTierNeeded(): Unit = runBlocking {
        withPlatform { platform ->
            val client = newClient(platform.baseUrl())
            signIn(platform, client, "13800001114")
            val e = expectFailure { client.auth().addCompany("91350100M000100Y43", "云南示例科技有限公司") }
            assertEquals(ErrorKind.TIER_REQUIRED, e.kind)
            assertEquals("verified", e.requiredTier)
            val verified = client.auth().verifyIdentity(
                Verification.BankCard("张三丰", "11010519491231002X", "6222021234567894", "13800001114"),
            )
            assertEquals(Tier.VERIFIED, verified.tier)
            client.auth().addCompany("91350100M000100Y43", "云南示例科技有限公司")
            val acting = client.auth().switchActingIdentity("91350100M000100Y43")
            assertEquals("云南示例科技有限公司", acting.actingAs?.name)
        }
    }

    @Test
    fun signOutWithAndWithoutWipe(): Unit = runBlocking {
        withPlatform { platform ->
            val client = newClient(platform.baseUrl())
            signIn(platform, client, "13800001115")
            client.setMyPreference("region", "530102")
            client.auth().signOut(false)
            assertEquals(SessionState.SignedOut, client.auth().state())
            assertEquals(ErrorKind.UNAUTHORIZED, expectFailure { client.myPreference("region") }.kind)

            // Same user again (a minute later, as the SMS limit wants): the data reopens.
            platform.advanceClockSecs(61uL)
            signIn(platform, client, "13800001115")
            assertEquals("530102", client.myPreference("region"))

            client.auth().signOut(true)
            platform.advanceClockSecs(61uL)
            signIn(platform, client, "13800001115")
            assertNull(client.myPreference("region"), "wiped with the sign-out")
        }
    }
}
