package io.purse.app.platform

import android.content.Context
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import android.util.Base64
import io.purse.core.ProtectorFailure
import io.purse.core.SecureStore
import java.security.KeyStore
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/**
 * The core's small secrets (the failed-unlock counter, the session key), each sealed with
 * AES-256-GCM by a Keystore key that needs no user authentication and never leaves the
 * phone's secure hardware, kept in the app's private preferences (the app allows no backup).
 * The Keystore key cannot be copied with the app's files, so a copy taken off the phone
 * opens nothing.
 *
 * Value layout: IV (12 bytes) || ciphertext+tag, base64; the name is bound as AAD so one
 * value cannot be moved under another name.
 */
class KeystoreSecureStore(context: Context) : SecureStore {
    private val prefs = context.getSharedPreferences("purse.secure", Context.MODE_PRIVATE)
    private val keyStore = KeyStore.getInstance("AndroidKeyStore").apply { load(null) }

    private fun key(): SecretKey {
        (keyStore.getKey(ALIAS, null) as? SecretKey)?.let { return it }
        val spec = KeyGenParameterSpec.Builder(ALIAS, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
            .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
            .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
            .setKeySize(256)
            .build()
        return KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, "AndroidKeyStore")
            .apply { init(spec) }
            .generateKey()
    }

    override fun get(name: String): ByteArray? {
        val stored = prefs.getString(name, null) ?: return null
        val blob = Base64.decode(stored, Base64.NO_WRAP)
        if (blob.size < 12 + 16) throw ProtectorFailure.Unavailable("a stored secret is damaged")
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.DECRYPT_MODE, key(), GCMParameterSpec(128, blob, 0, 12))
        cipher.updateAAD(name.toByteArray())
        return try {
            cipher.doFinal(blob, 12, blob.size - 12)
        } catch (e: javax.crypto.AEADBadTagException) {
            throw ProtectorFailure.Unavailable("a stored secret does not open")
        }
    }

    override fun set(name: String, value: ByteArray) {
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.ENCRYPT_MODE, key())
        cipher.updateAAD(name.toByteArray())
        val blob = cipher.iv + cipher.doFinal(value)
        // commit, not apply: the counter must be on disk before the core acts on it.
        if (!prefs.edit().putString(name, Base64.encodeToString(blob, Base64.NO_WRAP)).commit()) {
            throw ProtectorFailure.Unavailable("could not store a secret")
        }
    }

    override fun delete(name: String) {
        prefs.edit().remove(name).commit()
    }

    private companion object {
        const val ALIAS = "purse.secure-store"
    }
}
