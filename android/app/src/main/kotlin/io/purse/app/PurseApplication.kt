package io.purse.app

import android.app.Application
import io.purse.app.platform.BiometricGate
import io.purse.app.platform.KeystoreKeyProtector
import io.purse.app.platform.KeystoreSecureStore
import io.purse.core.Wallet

/** Holds the one wallet of the app, opened on the app's private storage. */
class PurseApplication : Application() {
    val biometricGate = BiometricGate()

    val wallet: Wallet by lazy {
        Wallet.open(
            dataDir = filesDir.resolve("wallet").path,
            backendUrl = BuildConfig.BACKEND_URL,
            protector = KeystoreKeyProtector(biometricGate),
            secureStore = KeystoreSecureStore(this),
        )
    }
}
