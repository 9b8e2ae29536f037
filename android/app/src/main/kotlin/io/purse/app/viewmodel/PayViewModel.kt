package io.purse.app.viewmodel

import io.purse.core.PaymentListener
import io.purse.core.PaymentUpdate
import io.purse.core.PreparedPaymentInterface
import io.purse.core.PurseException
import io.purse.core.TaskHandle
import io.purse.core.WalletInterface
import io.purse.core.parseAmount
import io.purse.core.scanLumaFrame
import io.purse.model.Money
import io.purse.model.Payment
import io.purse.model.PaymentOutcome
import io.purse.model.Quote
import java.util.concurrent.atomic.AtomicBoolean
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch

/** Where the pay flow is; each screen draws one of these. */
sealed interface PayState {
    /** The camera is on, looking for a code. */
    data object Scanning : PayState

    /** A code was read; asking the backend who the merchant is. */
    data object Resolving : PayState

    /**
     * The confirm sheet: the verified merchant name and amount. [needsAmount] for a static
     * code (the payer types it); [nameWarning] when the code claims another name.
     */
    data class Confirm(
        val quote: Quote,
        val needsAmount: Boolean,
        val nameWarning: String?,
        /** Why the last confirmation did not go through (a wrong amount, a cancelled prompt). */
        val notice: String? = null,
    ) : PayState

    /** The biometric prompt is up, or the payment is on its way. */
    data class Paying(val quote: Quote, val amount: Money) : PayState

    /** Settled: show the receipt. */
    data class Done(val payment: Payment) : PayState

    /** The answer did not arrive: the payment will settle by itself; never shown as failed. */
    data class Pending(val intentId: String, val quote: Quote) : PayState

    data class Failed(val error: UiError, val quote: Quote?) : PayState
}

/**
 * The pay flow's decisions, free of Android: scan -> quote -> confirm -> result. The
 * activity forwards camera frames and taps; composables draw [state].
 * [pendingRetryMillis] is the first pause before the core asks again about a payment whose
 * answer was lost (it doubles up to 30 s).
 */
class PayViewModel(
    private val wallet: WalletInterface,
    private val scope: CoroutineScope,
    private val pendingRetryMillis: Long = 2_000,
) {
    private val _state = MutableStateFlow<PayState>(PayState.Scanning)
    val state: StateFlow<PayState> = _state.asStateFlow()

    /** The core's watch of a pending payment, while the pending screen is up. */
    @Volatile private var watch: TaskHandle? = null

    /**
     * The core's hold on the code being confirmed: paying goes through it, so the merchant
     * name the prompt and the outbox use is the backend's, never one this screen hands back.
     */
    @Volatile private var prepared: PreparedPaymentInterface? = null

    /** One code per scan: the analyzer keeps delivering frames after the first hit. */
    private val codeTaken = AtomicBoolean(false)

    /**
     * A camera frame's luma plane, on the analyzer thread, with CameraX's `rotationDegrees`.
     * Returns true when a code was taken (the shell plays the haptic and stops the camera).
     */
    fun onFrame(luma: ByteArray, width: Int, height: Int, rowStride: Int, rotationDegrees: Int = 0): Boolean {
        if (_state.value != PayState.Scanning || codeTaken.get()) return false
        val found = try {
            scanLumaFrame(luma, width.toUInt(), height.toUInt(), rowStride.toUInt(), rotationDegrees.toUInt())
        } catch (e: PurseException) {
            null // a malformed frame is skipped; the next one will do
        } ?: return false
        if (!codeTaken.compareAndSet(false, true)) return false
        onPayload(found.payload)
        return true
    }

    /** A picture from the gallery. */
    fun onImage(bytes: ByteArray) {
        if (!codeTaken.compareAndSet(false, true)) return
        _state.value = PayState.Resolving
        scope.launch {
            try {
                val codes = wallet.scanImage(bytes)
                if (codes.isEmpty()) throw PurseException.UnreadableImage("no QR code in the picture")
                resolve(codes[0].payload)
            } catch (e: Exception) {
                _state.value = PayState.Failed(UiError.of(e), null)
            }
        }
    }

    /** A payload from the scanner (or pasted). */
    fun onPayload(payload: String) {
        codeTaken.set(true)
        _state.value = PayState.Resolving
        scope.launch {
            try {
                resolve(payload)
            } catch (e: Exception) {
                _state.value = PayState.Failed(UiError.of(e), null)
            }
        }
    }

    private suspend fun resolve(payload: String) {
        val prepared = wallet.resolve(payload).also { this.prepared = it }
        val quote = prepared.quote()
        val warning = if (prepared.nameMismatch()) {
            "The code says \"${prepared.claimedName()}\"; Purse knows this merchant as \"${quote.merchantName}\"."
        } else null
        _state.value = PayState.Confirm(quote, needsAmount = prepared.needsAmount(), nameWarning = warning)
    }

    /**
     * The user tapped Pay. [typedAmount] is what they typed for a static code ("12.34"),
     * ignored for an order. The biometric prompt comes up inside `pay`.
     */
    fun confirm(typedAmount: String? = null) {
        val confirm = _state.value as? PayState.Confirm ?: return
        val prepared = prepared ?: return
        val quote = confirm.quote
        val amount = quote.amount ?: try {
            parseAmount(typedAmount?.trim().orEmpty(), quote.currency).also {
                require(it.minor > 0) { "enter an amount above zero" }
            }
        } catch (e: Exception) {
            val why = (e as? PurseException.InvalidInput)?.reason ?: e.message ?: "enter the amount"
            _state.value = confirm.copy(notice = why)
            return
        }
        _state.value = PayState.Paying(quote, amount)
        scope.launch {
            val next = try {
                when (val outcome = prepared.pay(if (confirm.needsAmount) amount else null)) {
                    is PaymentOutcome.Completed -> PayState.Done(outcome.payment)
                    is PaymentOutcome.Pending -> PayState.Pending(outcome.intentId, quote)
                }
            } catch (e: PurseException.Cancelled) {
                // The user backed out of the prompt: back to the sheet, nothing alarming.
                confirm.copy(notice = null)
            } catch (e: PurseException.Authentication) {
                confirm.copy(notice = e.reason)
            } catch (e: Exception) {
                PayState.Failed(UiError.of(e), quote)
            }
            _state.value = next
            if (next is PayState.Pending) followPending(next)
        }
    }

    /**
     * While the pending screen is up, the core follows the payment (asking again with the
     * same key, so this can never pay twice) and says how it ended; this only draws it.
     * An `Unresolved` watch leaves the screen pending: unknown is never shown as failed.
     */
    private fun followPending(pending: PayState.Pending) {
        watch?.cancel()
        watch = wallet.watchPayment(pending.intentId, pendingRetryMillis.toUInt(), object : PaymentListener {
            override fun onUpdate(update: PaymentUpdate) {
                val next = when (update) {
                    is PaymentUpdate.Completed -> PayState.Done(update.payment)
                    is PaymentUpdate.Failed -> PayState.Failed(UiError.of(update.error), pending.quote)
                    is PaymentUpdate.Pending, is PaymentUpdate.Unresolved -> return
                }
                _state.compareAndSet(pending, next)
            }
        })
    }

    /** Closes the sheet or the result and goes back to the camera. */
    fun scanAgain() {
        watch?.cancel()
        watch = null
        prepared = null
        codeTaken.set(false)
        _state.value = PayState.Scanning
    }
}
