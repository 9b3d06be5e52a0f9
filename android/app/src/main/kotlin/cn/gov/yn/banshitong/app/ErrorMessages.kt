package cn.gov.yn.banshitong.app

import androidx.annotation.StringRes
import cn.gov.yn.banshitong.ErrorKind

/** The message a user sees for an error of this kind. Exhaustive: a new kind must be worded here. */
@StringRes
fun ErrorKind.messageRes(): Int = when (this) {
    ErrorKind.OFFLINE -> R.string.error_offline
    ErrorKind.TIMEOUT -> R.string.error_timeout
    ErrorKind.UNAVAILABLE -> R.string.error_unavailable
    ErrorKind.UNAUTHORIZED, ErrorKind.SESSION_EXPIRED -> R.string.error_sign_in
    ErrorKind.VALIDATION, ErrorKind.INVALID_INPUT -> R.string.error_invalid_input
    ErrorKind.NOT_FOUND -> R.string.error_not_found
    ErrorKind.CONFLICT -> R.string.error_conflict
    ErrorKind.SERVER, ErrorKind.PROTOCOL -> R.string.error_server
    ErrorKind.STORAGE -> R.string.error_storage
    ErrorKind.PERSONAL_DATA_KEPT_ASIDE -> R.string.error_personal_data_kept_aside
    ErrorKind.SECRET_STORE -> R.string.error_secret_store
    ErrorKind.CALLBACK, ErrorKind.INTERNAL -> R.string.error_internal
}
