package cn.gov.yn.banshitong.tests

import cn.gov.yn.banshitong.BstClient
import cn.gov.yn.banshitong.BstException
import cn.gov.yn.banshitong.BstLicences
import cn.gov.yn.banshitong.ErrorKind
import cn.gov.yn.banshitong.ReferencePlatform
import cn.gov.yn.banshitong.VerdictOutcome
import cn.gov.yn.banshitong.VerdictReasonKind
import cn.gov.yn.banshitong.core.Disclosure
import cn.gov.yn.banshitong.core.Licence
import cn.gov.yn.banshitong.core.LicenceStatus
import cn.gov.yn.banshitong.core.Presentation
import cn.gov.yn.banshitong.core.PresentationMode
import cn.gov.yn.banshitong.core.Verification
import cn.gov.yn.banshitong.presentationFlow
import cn.gov.yn.banshitong.qrMatrix
import cn.gov.yn.banshitong.qrPng
import cn.gov.yn.banshitong.qrSvg
import cn.gov.yn.banshitong.secondsLeft
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertNotEquals
import kotlin.test.assertTrue
import org.junit.Test

/** Licences need a verified user, not a catalog: a small one starts fast. */
private const val GUIDES = 50u

/** Signed in as [phone], real-name verified (licences are issued then), licences synced. */
private suspend fun verifiedHolder(platform: ReferencePlatform, phone: String): Pair<BstClient, BstLicences> {
    val client = newClient(platform.baseUrl())
    signIn(platform, client, phone)
    client.auth().verifyIdentity(Verification.BankCard("张三丰", "11010519491231002X", "6222021234567894", phone))
    val licences = client.licences()
    val synced = licences.sync()
    assertEquals(3, synced.size, "ID card, household register, social security card: $synced")
    return client to licences
}

private fun List<Licence>.ofType(type: String): Licence = single { it.licenceType == type }

class LicencesTest {
    @Test
    fun anOfflineCodeIsDrawnVerifiedAndRefusedWhenReplayed(): Unit = runBlocking {
        withPlatform(GUIDES) { platform ->
            val (_, licences) = verifiedHolder(platform, "13900008001")
            val idCard = licences.list().ofType("居民身份证")
            assertEquals(LicenceStatus.VALID, idCard.status)

            val code = licences.present(idCard.id, PresentationMode.OFFLINE, Disclosure.Masked)
            assertTrue(code.qrText.startsWith("BST1:"), code.qrText)
            assertTrue(code.secondsLeft(code.issuedAtMs) in 1L..30L, "offline codes live 30 s")

            val matrix = qrMatrix(code.qrText)
            assertEquals(matrix.size.toInt() * matrix.size.toInt(), matrix.dark.size)
            assertTrue(matrix.version.toInt() in 1..40)
            val png = qrPng(code.qrText, 4u)
            assertEquals(listOf(0x89, 0x50, 0x4e, 0x47), png.take(4).map { it.toInt() and 0xff })
            assertTrue(qrSvg(code.qrText).startsWith("<svg"))

            // A verifier on another phone, not signed in.
            val verifier = newClient(platform.baseUrl()).verifier()
            val verdict = verifier.verify(code.qrText)
            assertEquals(VerdictOutcome.VALID, verdict.outcome, "${verdict.reasons}")
            assertEquals("居民身份证", verdict.licenceType)
            val disclosed = verdict.disclosed.associate { it.name to it.valueJson }
            assertTrue("name_masked" in disclosed && "name" !in disclosed, "$disclosed")

            val again = verifier.verify(code.qrText)
            assertEquals(VerdictOutcome.INVALID, again.outcome)
            assertTrue(again.reasons.any { it.kind == VerdictReasonKind.REPLAYED }, "${again.reasons}")
        }
    }

    @Test
    fun anOnlineTokenVerifiesAtThePlatform(): Unit = runBlocking {
        withPlatform(GUIDES) { platform ->
            val (_, licences) = verifiedHolder(platform, "13900008002")
            val card = licences.list().ofType("社会保障卡")
            val token = licences.present(card.id, PresentationMode.ONLINE, Disclosure.Full)
            assertTrue(token.qrText.startsWith("BST0:"), token.qrText)
            assertTrue(qrMatrix(token.qrText).version < qrMatrix(
                licences.present(card.id, PresentationMode.OFFLINE, Disclosure.Full).qrText,
            ).version, "a token makes the smaller code")

            val verdict = newClient(platform.baseUrl()).verifier().verify(token.qrText)
            assertEquals(VerdictOutcome.VALID, verdict.outcome, "${verdict.reasons}")
        }
    }

    @Test
    fun tamperedAndGarbageCodesAreATypedRefusalNotAnError(): Unit = runBlocking {
        withPlatform(GUIDES) { platform ->
            val (_, licences) = verifiedHolder(platform, "13900008003")
            val card = licences.list().ofType("户口簿")
            val text = licences.present(card.id, PresentationMode.OFFLINE, Disclosure.Full).qrText
            val chars = text.toCharArray()
            val at = chars.size / 2
            chars[at] = if (chars[at] == 'A') 'B' else 'A'

            val verifier = newClient(platform.baseUrl()).verifier()
            val tampered = verifier.verify(String(chars))
            assertEquals(VerdictOutcome.INVALID, tampered.outcome)
            assertTrue(tampered.reasons.isNotEmpty())
            assertTrue(tampered.disclosed.isEmpty() || tampered.reasons.isNotEmpty())

            for (garbage in listOf("hello", "BST1:", text.substring(0, text.length / 2))) {
                val verdict = verifier.verify(garbage)
                assertEquals(VerdictOutcome.INVALID, verdict.outcome, garbage)
                assertEquals(VerdictReasonKind.MALFORMED, verdict.reasons.first().kind, "${verdict.reasons}")
            }
            val notQr = expectFailure { qrMatrix("lower case is not QR alphanumeric") }
            assertEquals(ErrorKind.INVALID_INPUT, notQr.kind)
        }
    }

    @Test
    fun theFlowReplacesCodesBeforeTheyExpireAndARevokedLicenceIsRefused(): Unit = runBlocking {
        withPlatform(GUIDES) { platform ->
            val (client, licences) = verifiedHolder(platform, "13900008004")
            val idCard = licences.list().ofType("居民身份证")
            val shortLived = licences.withOfflineLifetime(2_000uL, 1_000uL)
            val codes: List<Presentation> = withTimeout(15_000) {
                shortLived.presentationFlow(idCard.id, PresentationMode.OFFLINE, Disclosure.Full).take(2).toList()
            }
            assertNotEquals(codes[0].qrText, codes[1].qrText)
            assertTrue(codes[1].issuedAtMs < codes[0].expiresAtMs, "the next code comes before the first expires")
            assertTrue(codes[1].expiresAtMs > codes[0].expiresAtMs)

            val before = licences.present(idCard.id, PresentationMode.OFFLINE, Disclosure.Full).qrText
            platform.revokeLicence(idCard.id)
            val verdict = newClient(platform.baseUrl()).verifier().verify(before)
            assertEquals(VerdictOutcome.INVALID, verdict.outcome)
            assertTrue(verdict.reasons.any { it.kind == VerdictReasonKind.REVOKED }, "${verdict.reasons}")

            val synced = client.licences().sync().ofType("居民身份证")
            assertEquals(LicenceStatus.REVOKED, synced.status)
            val refused = expectFailure { licences.present(idCard.id, PresentationMode.OFFLINE, Disclosure.Full) }
            assertEquals(ErrorKind.INVALID_INPUT, refused.kind)
            assertFalse(refused.reason.isEmpty())
        }
    }

    @Test
    fun anOnlineFlowWithNoNetworkFailsWithTheTypedErrorAndOfflineStillWorks(): Unit = runBlocking {
        withPlatform(GUIDES) { platform ->
            val (_, licences) = verifiedHolder(platform, "13900008005")
            val card = licences.list().ofType("社会保障卡")
            platform.stop()

            val failed = try {
                withTimeout(15_000) {
                    licences.presentationFlow(card.id, PresentationMode.ONLINE, Disclosure.Full).first()
                }
                null
            } catch (e: BstException.Failure) {
                e
            }
            assertEquals(ErrorKind.OFFLINE, failed?.kind, "the flow fails with why: $failed")

            val offline = withTimeout(15_000) {
                licences.presentationFlow(card.id, PresentationMode.OFFLINE, Disclosure.Full).first()
            }
            assertTrue(offline.qrText.startsWith("BST1:"), "offline codes need no network")
        }
    }
}
