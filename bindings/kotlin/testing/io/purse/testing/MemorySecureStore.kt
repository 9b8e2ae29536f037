package io.purse.testing

import io.purse.core.SecureStore
import java.util.concurrent.ConcurrentHashMap

/**
 * A stand-in for the platform's secure store (Keystore-sealed preferences, the Keychain):
 * what the core keeps there outlives a copy of the wallet's folder being put back.
 */
class MemorySecureStore : SecureStore {
    val values = ConcurrentHashMap<String, ByteArray>()

    override fun get(name: String): ByteArray? = values[name]

    override fun set(name: String, value: ByteArray) {
        values[name] = value
    }

    override fun delete(name: String) {
        values.remove(name)
    }
}
