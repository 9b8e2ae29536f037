package io.purse.testing

import io.purse.core.KeyKind
import io.purse.core.KeyProtector
import io.purse.core.ProtectorFailure
import java.security.SecureRandom
import java.util.Collections
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/**
 * A stand-in for the Android Keystore: AES-256-GCM under a key that never leaves this
 * object, and a simulated user whose [decision] a test sets before each prompt. The storage
 * key is released without a prompt, as the Keystore's key without user authentication is.
 */
class SoftwareKeyProtector : KeyProtector {
    enum class Decision { APPROVE, CANCEL, DENY }

    @Volatile var decision = Decision.APPROVE
    val prompts: MutableList<String> = Collections.synchronizedList(mutableListOf())
    private val key: SecretKey = KeyGenerator.getInstance("AES").apply { init(256) }.generateKey()

    override fun wrap(kind: KeyKind, secret: ByteArray): ByteArray {
        val iv = ByteArray(12).also { SecureRandom().nextBytes(it) }
        val c = Cipher.getInstance("AES/GCM/NoPadding")
        c.init(Cipher.ENCRYPT_MODE, key, GCMParameterSpec(128, iv))
        c.updateAAD(kind.name.toByteArray())
        return iv + c.doFinal(secret)
    }

    override fun unwrap(kind: KeyKind, wrapped: ByteArray, reason: String): ByteArray {
        if (kind != KeyKind.STORAGE) {
            prompts.add(reason)
            when (decision) {
                Decision.CANCEL -> throw ProtectorFailure.Cancelled()
                Decision.DENY -> throw ProtectorFailure.Denied("fingerprint not recognised")
                Decision.APPROVE -> {}
            }
        }
        val c = Cipher.getInstance("AES/GCM/NoPadding")
        c.init(Cipher.DECRYPT_MODE, key, GCMParameterSpec(128, wrapped, 0, 12))
        c.updateAAD(kind.name.toByteArray())
        return c.doFinal(wrapped, 12, wrapped.size - 12)
    }
}
