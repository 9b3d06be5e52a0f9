package cn.gov.yn.banshitong.android

import android.content.ContentResolver
import android.content.Context
import android.net.Uri
import android.provider.OpenableColumns
import cn.gov.yn.banshitong.BstException
import cn.gov.yn.banshitong.BstMaterials
import cn.gov.yn.banshitong.ErrorKind
import cn.gov.yn.banshitong.addCopy
import cn.gov.yn.banshitong.core.MaterialProblem
import cn.gov.yn.banshitong.core.UploadItem
import cn.gov.yn.banshitong.isFinal
import java.io.File
import java.io.FileNotFoundException
import java.io.InputStream
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext

/** Under the app's cache folder; the copies there last only while `add` runs. */
private const val CACHE_FOLDER = "materials-in"

/**
 * Adds the file behind a content URI (the photo picker, the camera's
 * output, a document from the Storage Access Framework) as a material. The
 * core reads files by path, so the stream is copied into the app's cache
 * first and the copy removed once the core has prepared its own (see
 * [addCopy]); the name shown is the provider's display name.
 *
 * Then schedules [MaterialUploadWorker], so an upload the app does not
 * finish (it went to the background, it was killed) finishes anyway.
 *
 * A URI that can't be opened (revoked permission, deleted file) is
 * `BAD_MATERIAL` with [MaterialProblem.UNREADABLE].
 */
suspend fun BstMaterials.addContentUri(
    context: Context,
    uri: Uri,
    draftId: String? = null,
    slotKey: String? = null,
    maxSidePx: UInt? = null,
    jpegQuality: UByte? = null,
): UploadItem {
    val resolver = context.contentResolver
    val (name, input) = withContext(Dispatchers.IO) { displayName(resolver, uri) to open(resolver, uri) }
    val item = input.use {
        addCopy(it, name, File(context.cacheDir, CACHE_FOLDER), draftId, slotKey, maxSidePx, jpegQuality)
    }
    if (!item.state.isFinal) MaterialUploadWorker.schedule(context)
    return item
}

private fun open(resolver: ContentResolver, uri: Uri): InputStream {
    val stream = try {
        resolver.openInputStream(uri)
    } catch (e: FileNotFoundException) {
        null
    } catch (e: SecurityException) {
        null
    }
    // The URI stays out of the message: it can name the user's files.
    return stream ?: throw BstException.Failure(
        kind = ErrorKind.BAD_MATERIAL,
        reason = "the chosen file could not be opened (gone, or no longer shared with the app)",
        field = null,
        retryAfterMs = null,
        status = null,
        requiredTier = null,
        materialProblem = MaterialProblem.UNREADABLE,
    )
}

/** The provider's name for the file ("IMG_20250301_140512.jpg"), or a neutral one. */
private fun displayName(resolver: ContentResolver, uri: Uri): String {
    val name = try {
        resolver.query(uri, arrayOf(OpenableColumns.DISPLAY_NAME), null, null, null)?.use { cursor ->
            if (cursor.moveToFirst() && !cursor.isNull(0)) cursor.getString(0) else null
        }
    } catch (e: SecurityException) {
        null
    }
    return name?.takeIf { it.isNotBlank() } ?: uri.lastPathSegment?.takeIf { it.isNotBlank() } ?: "material"
}
