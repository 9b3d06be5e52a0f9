// The app's SecretStore on Apple platforms: the core keeps its database keys
// and tokens here. Not built on Linux (no Security framework); the Linux
// tests use their own store.
#if canImport(Security)
import Foundation
import Security

/// Generic-password items in the keychain, readable after the device's first
/// unlock (background sync needs them), never migrated to another device.
public final class KeychainSecretStore: SecretStore {
    private let service: String

    public init(service: String = "cn.gov.yn.banshitong.core") {
        self.service = service
    }

    public func get(name: String) throws -> Data? {
        var query = itemQuery(name)
        query[kSecReturnData as String] = true
        query[kSecMatchLimit as String] = kSecMatchLimitOne
        var result: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &result)
        switch status {
        case errSecSuccess: return result as? Data
        case errSecItemNotFound: return nil
        default: throw keychainError("read", status)
        }
    }

    public func set(name: String, secret: Data) throws {
        let query = itemQuery(name)
        var status = SecItemUpdate(query as CFDictionary, [kSecValueData as String: secret] as CFDictionary)
        if status == errSecItemNotFound {
            var item = query
            item[kSecValueData as String] = secret
            item[kSecAttrAccessible as String] = kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly
            status = SecItemAdd(item as CFDictionary, nil)
        }
        guard status == errSecSuccess else { throw keychainError("write", status) }
    }

    public func delete(name: String) throws {
        let status = SecItemDelete(itemQuery(name) as CFDictionary)
        guard status == errSecSuccess || status == errSecItemNotFound else {
            throw keychainError("delete", status)
        }
    }

    public func describe() -> String {
        "keychain (this device only, after first unlock)"
    }

    private func itemQuery(_ name: String) -> [String: Any] {
        [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: name,
        ]
    }

    /// The item's name stays out of the message: it can name a user.
    private func keychainError(_ action: String, _ status: OSStatus) -> BstError {
        .Failure(
            kind: .secretStore, reason: "keychain \(action) failed: OSStatus \(status)",
            field: nil, retryAfterMs: nil, status: nil, requiredTier: nil, materialProblem: nil)
    }
}
#endif
