package io.purse.app.platform

import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyPermanentlyInvalidatedException
import android.security.keystore.KeyProperties
import io.purse.core.KeyKind
import io.purse.core.KeyProtector
import io.purse.core.ProtectorFailure
import java.security.KeyStore
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/**
 * The core's keys, wrapped by AES-256-GCM keys that live in the Android Keystore (in the
 * TEE or StrongBox where the phone has one) and that only a strong biometric unlocks, for
 * each use. A new fingerprint or face enrolled on the phone invalidates them: the wallet
 * must then be enrolled again, which is what a payment app wants.
 *
 * The storage key (the wallet database's) is the exception: its Keystore key needs no user
 * authentication, so the wallet opens for background work without a prompt; it keeps a copy
 * of the app's files useless off this phone.
 *
 * Blob layout: IV (12 bytes) || ciphertext+tag.
 */
class KeystoreKeyProtector(private val gate: BiometricGate) : KeyProtector {
    private val keyStore = KeyStore.getInstance("AndroidKeyStore").apply { load(null) }

    private fun alias(kind: KeyKind) = "purse.${kind.name.lowercase()}"

    private fun key(kind: KeyKind): SecretKey {
        (keyStore.getKey(alias(kind), null) as? SecretKey)?.let { return it }
        val builder = KeyGenParameterSpec.Builder(alias(kind), KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
            .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
            .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
            .setKeySize(256)
        if (kind != KeyKind.STORAGE) {
            builder.setUserAuthenticationRequired(true)
                .setUserAuthenticationParameters(0, KeyProperties.AUTH_BIOMETRIC_STRONG)
                .setInvalidatedByBiometricEnrollment(true)
        }
        return KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, "AndroidKeyStore")
            .apply { init(builder.build()) }
            .generateKey()
    }

    override fun wrap(kind: KeyKind, secret: ByteArray): ByteArray {
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.ENCRYPT_MODE, key(kind))
        val authed = if (kind == KeyKind.STORAGE) {
            cipher
        } else {
            gate.authenticate(cipher, "Protect your wallet", "Confirm it is you to keep your keys safe")
        }
        return authed.iv + authed.doFinal(secret)
    }

    override fun unwrap(kind: KeyKind, wrapped: ByteArray, reason: String): ByteArray {
        if (wrapped.size < 12 + 16) throw ProtectorFailure.Unavailable("the stored key is damaged")
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        try {
            cipher.init(Cipher.DECRYPT_MODE, key(kind), GCMParameterSpec(128, wrapped, 0, 12))
        } catch (e: KeyPermanentlyInvalidatedException) {
            throw ProtectorFailure.Unavailable("biometrics changed on this phone: set up the wallet again")
        }
        val authed = if (kind == KeyKind.STORAGE) cipher else gate.authenticate(cipher, "Confirm", reason)
        return authed.doFinal(wrapped, 12, wrapped.size - 12)
    }
}
