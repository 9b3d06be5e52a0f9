import Banshitong
import SwiftUI

// What the user reads for each state. Exhaustive switches: a new case in the
// core must be worded here before the app builds.

extension Connectivity {
    var label: LocalizedStringKey {
        switch self {
        case .unknown: "未连接"
        case .online: "在线"
        case .offline: "离线"
        }
    }

    var color: Color {
        switch self {
        case .unknown: .secondary
        case .online: .green
        case .offline: .red
        }
    }
}

extension RegionLevel {
    var label: LocalizedStringKey {
        switch self {
        case .province: "省"
        case .prefecture: "州（市）"
        case .county: "县（市、区）"
        }
    }
}

extension ErrorKind {
    /// The message for users; the error's reason is for logs only.
    var message: LocalizedStringKey {
        switch self {
        case .offline: "无法连接办事通平台，请检查网络后重试。"
        case .timeout: "平台响应超时，请稍后重试。"
        case .unavailable: "服务暂时不可用，请稍后重试。"
        case .unauthorized, .sessionExpired: "登录已失效，请重新登录。"
        case .tierRequired: "请先完成更高等级的实名认证。"
        case .validation, .invalidInput: "填写的内容有误，请检查后重试。"
        case .notFound: "未找到相关内容。"
        case .conflict: "内容已在别处更新，请刷新后重试。"
        case .server, .protocol: "平台出现问题，请稍后重试。"
        case .storage: "本机存储出现问题，请检查剩余空间后重试。"
        case .personalDataKeptAside: "本机个人数据无法打开，原数据已另行保留，请重试。"
        case .secretStore: "无法使用本机安全存储，请重启应用后重试。"
        case .callback, .internal: "应用内部出错，请重试；如仍出错请反馈。"
        }
    }
}
