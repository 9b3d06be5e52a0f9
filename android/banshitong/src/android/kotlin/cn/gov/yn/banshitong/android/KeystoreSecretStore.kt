package cn.gov.yn.banshitong.android

import android.content.Context
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import android.util.AtomicFile
import cn.gov.yn.banshitong.BstException
import cn.gov.yn.banshitong.ErrorKind
import cn.gov.yn.banshitong.SecretStore
import java.io.File
import java.io.FileNotFoundException
import java.io.IOException
import java.security.GeneralSecurityException
import java.security.KeyStore
import java.security.MessageDigest
import java.security.ProviderException
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/**
 * The core's secret store on Android (database keys, tokens).
 *
 * Each secret is sealed with AES-256-GCM under one key that lives in the
 * Android Keystore: generated there, hardware-backed where the device has it,
 * never exportable. The sealed bytes go to one file per secret in the app's
 * no-backup folder: a copy restored onto another device could not be opened
 * there, so it must never travel. The secret's name is the GCM associated
 * data, so a file renamed to another secret's name fails to open.
 *
 * The core calls this from its own threads, never the main thread.
 */
class KeystoreSecretStore(
    context: Context,
    private val keyAlias: String = DEFAULT_KEY_ALIAS,
) : SecretStore {

    private val directory = File(context.noBackupFilesDir, DIRECTORY)
    private val lock = Any()
    private var key: SecretKey? = null

    override fun get(name: String): ByteArray? = secretStoreCall("read", name) {
        val sealed = try {
            fileOf(name).readFully()
        } catch (e: FileNotFoundException) {
            null // never set, or deleted
        }
        sealed?.let { open(name, it) }
    }

    override fun set(name: String, secret: ByteArray) = secretStoreCall("store", name) {
        val sealed = seal(name, secret)
        directory.mkdirs()
        val file = fileOf(name)
        val out = file.startWrite()
        try {
            out.write(sealed)
            // Flushes and fsyncs before replacing the old file: a crash leaves the old or the new secret.
            file.finishWrite(out)
        } catch (e: IOException) {
            file.failWrite(out)
            throw e
        }
    }

    override fun delete(name: String) = secretStoreCall("delete", name) {
        fileOf(name).delete()
    }

    override fun describe(): String = "Android Keystore (durable)"

    private fun seal(name: String, secret: ByteArray): ByteArray {
        val cipher = Cipher.getInstance(TRANSFORMATION)
        // The Keystore picks a fresh random IV for every encryption.
        cipher.init(Cipher.ENCRYPT_MODE, key())
        cipher.updateAAD(name.encodeToByteArray())
        val ciphertext = cipher.doFinal(secret)
        val iv = cipher.iv
        return byteArrayOf(FORMAT_VERSION, iv.size.toByte()) + iv + ciphertext
    }

    private fun open(name: String, sealed: ByteArray): ByteArray {
        val ivLength = if (sealed.size >= HEADER_BYTES) sealed[1].toInt() else -1
        if (sealed.size < HEADER_BYTES || sealed[0] != FORMAT_VERSION ||
            ivLength <= 0 || sealed.size < HEADER_BYTES + ivLength + TAG_BITS / 8
        ) {
            throw failure("secret '$name' is stored in an unknown format")
        }
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.DECRYPT_MODE, key(), GCMParameterSpec(TAG_BITS, sealed, HEADER_BYTES, ivLength))
        cipher.updateAAD(name.encodeToByteArray())
        val start = HEADER_BYTES + ivLength
        return cipher.doFinal(sealed, start, sealed.size - start)
    }

    /** The Keystore key, created on first use. Called under [lock]. */
    private fun key(): SecretKey {
        key?.let { return it }
        val keyStore = KeyStore.getInstance(ANDROID_KEYSTORE).apply { load(null) }
        val existing = keyStore.getKey(keyAlias, null) as SecretKey?
        val created = existing ?: KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, ANDROID_KEYSTORE).run {
            init(
                KeyGenParameterSpec.Builder(keyAlias, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
                    .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
                    .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
                    .setKeySize(256)
                    // No user authentication: the core reads its keys in the
                    // background, e.g. to refresh a session.
                    .build(),
            )
            generateKey()
        }
        key = created
        return created
    }

    /** One file per secret, named by a hash so that names (which may hold a user id) stay off the file system. */
    private fun fileOf(name: String): AtomicFile {
        val digest = MessageDigest.getInstance("SHA-256").digest(name.encodeToByteArray())
        return AtomicFile(File(directory, digest.joinToString("") { it.toUByte().toString(16).padStart(2, '0') }))
    }

    /** Runs [block] under the lock; Keystore and file failures reach the core as a SecretStore error. */
    private inline fun <T> secretStoreCall(action: String, name: String, block: () -> T): T = synchronized(lock) {
        try {
            block()
        } catch (e: GeneralSecurityException) {
            // AEADBadTagException lands here too: the file was altered, or the Keystore key replaced.
            throw failure("cannot $action secret '$name': $e")
        } catch (e: ProviderException) {
            throw failure("cannot $action secret '$name': Keystore failed: $e")
        } catch (e: IOException) {
            throw failure("cannot $action secret '$name': $e")
        }
    }

    private fun failure(reason: String) = BstException.Failure(
        kind = ErrorKind.SECRET_STORE,
        reason = reason,
        field = null,
        retryAfterMs = null,
        status = null,
        requiredTier = null,
        materialProblem = null,
    )

    private companion object {
        const val ANDROID_KEYSTORE = "AndroidKeyStore"
        const val DEFAULT_KEY_ALIAS = "cn.gov.yn.banshitong.secret-store"
        const val DIRECTORY = "banshitong-secrets"
        const val TRANSFORMATION = "AES/GCM/NoPadding"
        const val TAG_BITS = 128
        const val FORMAT_VERSION: Byte = 1

        /** Format version, then IV length; the IV and the ciphertext with its tag follow. */
        const val HEADER_BYTES = 2
    }
}
