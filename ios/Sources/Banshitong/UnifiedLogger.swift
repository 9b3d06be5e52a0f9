// The app's Logger on Apple platforms: the core's records go to the unified
// log (Console.app, `log stream --predicate 'subsystem == "cn.gov.yn.banshitong"'`).
#if canImport(os)
import os

public final class UnifiedLogger: Logger {
    private let subsystem: String

    public init(subsystem: String = "cn.gov.yn.banshitong") {
        self.subsystem = subsystem
    }

    public func log(record: LogRecord) throws {
        // The category is the Rust module that logged. The message is public:
        // the core never puts personal data in a log record (see DESIGN.md),
        // and a redacted "<private>" would make the log useless.
        os.Logger(subsystem: subsystem, category: record.target)
            .log(level: record.level.osLogType, "\(record.message, privacy: .public)")
    }
}

extension LogLevel {
    var osLogType: OSLogType {
        switch self {
        case .error: .error
        case .warn: .default
        case .info: .info
        case .debug, .trace: .debug
        }
    }
}
#endif
