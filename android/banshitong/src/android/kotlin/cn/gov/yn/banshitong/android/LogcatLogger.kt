package cn.gov.yn.banshitong.android

import android.util.Log
import cn.gov.yn.banshitong.Logger
import cn.gov.yn.banshitong.core.LogLevel
import cn.gov.yn.banshitong.core.LogRecord

/**
 * Sends the core's log records to Logcat under [tag], at the record's level.
 * The core has already filtered them (see initPlatform) and keeps personal
 * data out of them.
 */
class LogcatLogger(private val tag: String = "Banshitong") : Logger {
    override fun log(record: LogRecord) {
        val message = "${record.target}: ${record.message}"
        when (record.level) {
            LogLevel.ERROR -> Log.e(tag, message)
            LogLevel.WARN -> Log.w(tag, message)
            LogLevel.INFO -> Log.i(tag, message)
            LogLevel.DEBUG -> Log.d(tag, message)
            LogLevel.TRACE -> Log.v(tag, message)
        }
    }
}
