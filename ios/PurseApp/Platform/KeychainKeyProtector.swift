import CryptoKit
import Foundation
import LocalAuthentication
import PurseCore
import Security

/// The core's keys, wrapped with AES-GCM by a 256-bit key that lives in the Keychain behind
/// `.biometryCurrentSet`: reading it shows Face ID / Touch ID, and enrolling a new face or
/// finger makes it unreadable (the wallet must be set up again). The core calls this off the
/// main thread and waits; the system shows the prompt.
///
/// The storage key (the wallet database's) is the exception: its Keychain item is readable
/// after the first unlock since boot, on this device only, with no prompt, so the wallet
/// opens for background work; it keeps a copy of the app's files useless off this phone.
final class KeychainKeyProtector: KeyProtector, @unchecked Sendable {
    private func account(_ kind: KeyKind) -> String { "io.purse.wrapping.\(kind)" }

    private func wrappingKey(_ kind: KeyKind, reason: String) throws -> SymmetricKey {
        var query: [String: Any] = [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrAccount as String: account(kind),
            kSecReturnData as String: true,
        ]
        if kind != .storage {
            let context = LAContext()
            context.localizedReason = reason
            query[kSecUseAuthenticationContext as String] = context
        }
        var item: CFTypeRef?
        switch SecItemCopyMatching(query as CFDictionary, &item) {
        case errSecSuccess:
            guard let data = item as? Data else { throw ProtectorFailure.Unavailable(reason: "unreadable key") }
            return SymmetricKey(data: data)
        case errSecItemNotFound:
            return try createKey(kind)
        case errSecUserCanceled:
            throw ProtectorFailure.Cancelled
        case errSecAuthFailed:
            throw ProtectorFailure.Denied(reason: "not recognised")
        case let status:
            throw ProtectorFailure.Unavailable(reason: "keychain error \(status)")
        }
    }

    private func createKey(_ kind: KeyKind) throws -> SymmetricKey {
        let key = SymmetricKey(size: .bits256)
        let data = key.withUnsafeBytes { Data($0) }
        var add: [String: Any] = [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrAccount as String: account(kind),
            kSecValueData as String: data,
        ]
        if kind == .storage {
            add[kSecAttrAccessible as String] = kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly
        } else {
            var error: Unmanaged<CFError>?
            guard let access = SecAccessControlCreateWithFlags(
                nil, kSecAttrAccessibleWhenPasscodeSetThisDeviceOnly, .biometryCurrentSet, &error
            ) else {
                throw ProtectorFailure.Unavailable(reason: "no biometrics on this device")
            }
            add[kSecAttrAccessControl as String] = access
        }
        let status = SecItemAdd(add as CFDictionary, nil)
        guard status == errSecSuccess else {
            throw ProtectorFailure.Unavailable(reason: "keychain error \(status)")
        }
        return key
    }

    func wrap(kind: KeyKind, secret: Data) throws -> Data {
        let key = try wrappingKey(kind, reason: "Protect your wallet")
        guard let sealed = try AES.GCM.seal(secret, using: key).combined else {
            throw ProtectorFailure.Unavailable(reason: "could not seal the key")
        }
        return sealed
    }

    func unwrap(kind: KeyKind, wrapped: Data, reason: String) throws -> Data {
        let key = try wrappingKey(kind, reason: reason)
        do {
            return try AES.GCM.open(AES.GCM.SealedBox(combined: wrapped), using: key)
        } catch {
            throw ProtectorFailure.Unavailable(reason: "the stored key does not open")
        }
    }
}
