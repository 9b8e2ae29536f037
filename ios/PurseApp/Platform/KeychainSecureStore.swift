import Foundation
import PurseCore
import Security

/// The core's small secrets (the failed-unlock counter, the session key) as Keychain items,
/// readable after the first unlock since boot, on this device only: they are not in the
/// app's files, so a copy of those put back does not bring an old counter with it, and they
/// do not move to another phone in a backup.
final class KeychainSecureStore: SecureStore, @unchecked Sendable {
    private let service = "io.purse.secure-store"

    private func base(_ name: String) -> [String: Any] {
        [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: name,
        ]
    }

    func get(name: String) throws -> Data? {
        var query = base(name)
        query[kSecReturnData as String] = true
        var item: CFTypeRef?
        switch SecItemCopyMatching(query as CFDictionary, &item) {
        case errSecSuccess:
            return item as? Data
        case errSecItemNotFound:
            return nil
        case let status:
            throw ProtectorFailure.Unavailable(reason: "keychain error \(status)")
        }
    }

    func set(name: String, value: Data) throws {
        let update: [String: Any] = [kSecValueData as String: value]
        var status = SecItemUpdate(base(name) as CFDictionary, update as CFDictionary)
        if status == errSecItemNotFound {
            var add = base(name)
            add[kSecValueData as String] = value
            add[kSecAttrAccessible as String] = kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly
            status = SecItemAdd(add as CFDictionary, nil)
        }
        guard status == errSecSuccess else {
            throw ProtectorFailure.Unavailable(reason: "keychain error \(status)")
        }
    }

    func delete(name: String) throws {
        let status = SecItemDelete(base(name) as CFDictionary)
        guard status == errSecSuccess || status == errSecItemNotFound else {
            throw ProtectorFailure.Unavailable(reason: "keychain error \(status)")
        }
    }
}
