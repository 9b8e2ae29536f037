package io.purse.app.platform

import android.os.Handler
import android.os.Looper
import androidx.biometric.BiometricManager.Authenticators.BIOMETRIC_STRONG
import androidx.biometric.BiometricPrompt
import androidx.core.content.ContextCompat
import androidx.fragment.app.FragmentActivity
import io.purse.core.ProtectorFailure
import java.lang.ref.WeakReference
import java.util.concurrent.CompletableFuture
import java.util.concurrent.ExecutionException
import javax.crypto.Cipher

/**
 * Shows `BiometricPrompt` for the core, which asks from one of its own threads and waits:
 * the prompt is posted to the main thread of the visible activity, and the caller blocks
 * until the user answers. The cipher comes back authenticated through the `CryptoObject`:
 * without a real biometric match, it cannot decrypt.
 */
class BiometricGate {
    private var activity = WeakReference<FragmentActivity>(null)

    /** The activity in front: call from `onResume`. */
    fun attach(a: FragmentActivity) {
        activity = WeakReference(a)
    }

    fun authenticate(cipher: Cipher, title: String, subtitle: String): Cipher {
        check(Looper.myLooper() != Looper.getMainLooper()) { "the prompt must be awaited off the main thread" }
        val front = activity.get() ?: throw ProtectorFailure.Unavailable("no screen to ask on")
        val answer = CompletableFuture<Cipher>()
        Handler(Looper.getMainLooper()).post {
            val prompt = BiometricPrompt(
                front,
                ContextCompat.getMainExecutor(front),
                object : BiometricPrompt.AuthenticationCallback() {
                    override fun onAuthenticationSucceeded(result: BiometricPrompt.AuthenticationResult) {
                        val c = result.cryptoObject?.cipher
                        if (c != null) answer.complete(c)
                        else answer.completeExceptionally(ProtectorFailure.Unavailable("no cipher came back"))
                    }

                    override fun onAuthenticationError(code: Int, text: CharSequence) {
                        answer.completeExceptionally(
                            when (code) {
                                BiometricPrompt.ERROR_USER_CANCELED,
                                BiometricPrompt.ERROR_NEGATIVE_BUTTON,
                                BiometricPrompt.ERROR_CANCELED -> ProtectorFailure.Cancelled()
                                BiometricPrompt.ERROR_LOCKOUT,
                                BiometricPrompt.ERROR_LOCKOUT_PERMANENT -> ProtectorFailure.Denied(text.toString())
                                else -> ProtectorFailure.Unavailable(text.toString())
                            },
                        )
                    }
                    // A single failed match keeps the prompt open; the system counts them.
                },
            )
            val info = BiometricPrompt.PromptInfo.Builder()
                .setTitle(title)
                .setSubtitle(subtitle)
                .setNegativeButtonText("Cancel")
                .setAllowedAuthenticators(BIOMETRIC_STRONG)
                .setConfirmationRequired(true)
                .build()
            prompt.authenticate(info, BiometricPrompt.CryptoObject(cipher))
        }
        return try {
            answer.get()
        } catch (e: ExecutionException) {
            throw e.cause ?: e
        }
    }
}
