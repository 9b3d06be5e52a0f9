package cn.gov.yn.banshitong

import cn.gov.yn.banshitong.core.AddMaterial
import cn.gov.yn.banshitong.core.MaterialProblem
import cn.gov.yn.banshitong.core.UploadItem
import java.io.File
import java.io.IOException
import java.io.InputStream
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.withContext

// Platform-neutral Kotlin, like Subscriptions.kt: the Android helper that
// takes a content URI (android/.../ContentUriMaterials.kt) opens the stream
// and hands it here, so the copying is tested on the JVM.

/**
 * Adds a material the core cannot open by path — a content URI's stream, a
 * picked document: copies [input] into [cacheDir], adds the copy under
 * [displayName] (the name the user knows; the copy's own is made up), and
 * deletes the copy once [BstMaterials.add] has returned, whatever the
 * outcome: by then the core holds its own prepared copy for the upload.
 *
 * A stream that fails while being read is `BAD_MATERIAL` with
 * [MaterialProblem.UNREADABLE]; a cache that can't be written (disk full)
 * is `STORAGE`. The caller closes [input].
 */
suspend fun BstMaterials.addCopy(
    input: InputStream,
    displayName: String,
    cacheDir: File,
    draftId: String? = null,
    slotKey: String? = null,
    maxSidePx: UInt? = null,
    jpegQuality: UByte? = null,
): UploadItem {
    val copy = withContext(Dispatchers.IO) { copyToCache(input, displayName, cacheDir) }
    try {
        return add(AddMaterial(copy.path, displayName, draftId, slotKey, maxSidePx, jpegQuality))
    } finally {
        withContext(NonCancellable + Dispatchers.IO) { copy.delete() }
    }
}

private fun copyToCache(input: InputStream, displayName: String, cacheDir: File): File {
    val file = try {
        cacheDir.mkdirs()
        File.createTempFile("material-", extensionOf(displayName), cacheDir)
    } catch (e: IOException) {
        throw failure(ErrorKind.STORAGE, "cannot create a file in the cache folder: $e")
    }
    try {
        file.outputStream().use { output ->
            val buffer = ByteArray(64 * 1024)
            while (true) {
                val read = try {
                    input.read(buffer)
                } catch (e: IOException) {
                    throw failure(ErrorKind.BAD_MATERIAL, "the file could not be read: $e", MaterialProblem.UNREADABLE)
                }
                if (read < 0) break
                try {
                    output.write(buffer, 0, read)
                } catch (e: IOException) {
                    throw failure(ErrorKind.STORAGE, "cannot write to the cache folder: $e")
                }
            }
        }
        return file
    } catch (e: Throwable) {
        file.delete()
        throw e
    }
}

/** `.jpg` for `营业执照.JPG`: kept so the copy reads like the original in a file listing; the core judges the type by content. */
internal fun extensionOf(name: String): String {
    val extension = name.substringAfterLast('.', "").lowercase()
    return if (extension.length in 1..5 && extension.all { it in 'a'..'z' || it in '0'..'9' }) ".$extension" else ""
}

private fun failure(kind: ErrorKind, reason: String, problem: MaterialProblem? = null) = BstException.Failure(
    kind = kind,
    reason = reason,
    field = null,
    retryAfterMs = null,
    status = null,
    requiredTier = null,
    materialProblem = problem,
)
