package io.purse.app.viewmodel

import io.purse.core.EventListener
import io.purse.core.TaskHandle
import io.purse.core.WalletInterface
import io.purse.core.shownText
import io.purse.model.ChargeState
import io.purse.model.Event
import io.purse.model.Notice
import io.purse.model.NoticeKind
import io.purse.model.PayCodeCharge
import io.purse.model.ShownPayCode
import io.purse.model.TransactionKind
import java.time.Instant
import java.time.ZoneId
import java.time.format.DateTimeFormatter
import java.time.format.FormatStyle
import java.util.Locale
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch

/**
 * The code as the screen draws it. [digits] are for the eye and the till's scanner only:
 * the screen marks them (and the QR) hidden from screen readers, which read [spoken].
 */
data class PayCodeView(
    val qrText: String,
    /** "29 1234 5678 1234 5678". */
    val digits: String,
    /** What a screen reader says instead of the digits. */
    val spoken: String,
    val secondsLeft: Long,
    /** "Works offline until 11 Dec 2026." */
    val offlineUntil: String,
)

/** A charge above the limit that waits for the user, as the screen asks about it. */
data class ChargeQuestion(val chargeId: String, val question: String, val spoken: String)

sealed interface PayCodeState {
    data object Loading : PayCodeState
    data class Showing(val code: PayCodeView) : PayCodeState

    /** A till charged more than the limit: confirm (biometric) or decline, within a minute. */
    data class Asking(val charge: ChargeQuestion, val code: PayCodeView?) : PayCodeState
    data object Confirming : PayCodeState

    /** The answer to a charge: paid, or canceled (declined, or its minute ran out). */
    data class Answered(val message: String, val paid: Boolean) : PayCodeState
    data class Failed(val error: UiError) : PayCodeState
}

/**
 * The pay-code screen: shows the code of now and the next one when its 30 seconds end, or
 * at once after a payment ([onPaymentSeen]); asks about a charge waiting for the user
 * ([onChargeWaiting]). While shown it follows the event stream itself (the home screen
 * stops following when it goes), so both happen without the user doing anything. Which code, when the key refreshes and what a charge needs are the
 * core's; this only schedules and words them. The screen keeps the brightness up and blocks
 * screenshots while it shows.
 */
class PayCodeViewModel(
    private val wallet: WalletInterface,
    private val scope: CoroutineScope,
    private val locale: Locale = Locale.getDefault(),
    private val zone: ZoneId = ZoneId.systemDefault(),
) {
    private val _state = MutableStateFlow<PayCodeState>(PayCodeState.Loading)
    val state: StateFlow<PayCodeState> = _state.asStateFlow()
    private var ticker: Job? = null
    private var shown: PayCodeView? = null
    private var subscription: TaskHandle? = null

    /** Starts showing codes, a new one each step, and following events, until [stop]. */
    fun start() {
        if (subscription == null) {
            subscription = wallet.followEvents(object : EventListener {
                override fun onEvent(event: Event) {
                    if (event.transaction.kind == TransactionKind.PAYMENT) onPaymentSeen()
                }

                override fun onNotice(notice: Notice) {
                    if (notice.kind == NoticeKind.PAYCODE_CONFIRMATION) onChargeWaiting()
                }

                override fun onError(reason: String) {}
            })
        }
        showCodes()
    }

    private fun showCodes() {
        ticker?.cancel()
        ticker = scope.launch {
            while (true) {
                val code = try {
                    view(wallet.payCode(), locale, zone)
                } catch (e: Exception) {
                    if (showsCode()) _state.value = PayCodeState.Failed(UiError.of(e))
                    return@launch
                }
                shown = code
                // A question or an answer on the screen stays until the user is done with it.
                if (showsCode()) _state.value = PayCodeState.Showing(code)
                delay(code.secondsLeft.coerceAtLeast(1) * 1_000)
            }
        }
    }

    private fun showsCode() = when (_state.value) {
        PayCodeState.Loading, is PayCodeState.Showing, is PayCodeState.Failed -> true
        else -> false
    }

    /** The user read the answer: back to the code (the next one, if the last was charged). */
    fun dismiss() {
        _state.value = shown?.let { PayCodeState.Showing(it) } ?: PayCodeState.Loading
        showCodes()
    }

    fun stop() {
        ticker?.cancel()
        ticker = null
        subscription?.cancel()
        subscription = null
    }

    /** A payment of one of the user's codes was seen (the event stream): the next code now. */
    fun onPaymentSeen() = showCodes()

    /** A charge waits for the user (a `paycode_confirmation` notice): ask about it. */
    fun onChargeWaiting() {
        scope.launch {
            try {
                val c = wallet.waitingCharges().firstOrNull() ?: return@launch
                _state.value = PayCodeState.Asking(question(c, locale), shown)
            } catch (e: Exception) {
                _state.value = PayCodeState.Failed(UiError.of(e))
            }
        }
    }

    fun confirm(chargeId: String) = answer { wallet.confirmCharge(chargeId) }

    fun decline(chargeId: String) = answer { wallet.declineCharge(chargeId) }

    private fun answer(call: suspend () -> PayCodeCharge) {
        _state.value = PayCodeState.Confirming
        scope.launch {
            _state.value = try {
                answered(call(), locale)
            } catch (e: Exception) {
                PayCodeState.Failed(UiError.of(e))
            }
            // The code shown before is used if the charge went through: show the next.
            showCodes()
        }
    }

    companion object {
        fun view(s: ShownPayCode, locale: Locale, zone: ZoneId): PayCodeView {
            val until = DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM).withLocale(locale)
                .format(Instant.ofEpochSecond(s.validUntil).atZone(zone))
            return PayCodeView(
                qrText = s.qrText,
                digits = s.grouped,
                spoken = "Pay code. Show this screen to the cashier; it changes every 30 seconds.",
                secondsLeft = s.secondsLeft,
                offlineUntil = "Works offline until $until.",
            )
        }

        /** The merchant's name is the backend's, escaped of anything that is not text. */
        fun question(c: PayCodeCharge, locale: Locale): ChargeQuestion {
            val name = shownText(c.merchantName)
            return ChargeQuestion(
                chargeId = c.chargeId,
                question = "Pay ${MoneyText.format(c.amount, locale)} to $name?",
                spoken = "Pay ${MoneyText.spoken(c.amount, locale)} to $name?",
            )
        }

        fun answered(c: PayCodeCharge, locale: Locale): PayCodeState.Answered = when (c.state) {
            ChargeState.COMPLETED -> PayCodeState.Answered(
                "Paid ${MoneyText.format(c.amount, locale)} to ${shownText(c.merchantName)}",
                paid = true,
            )
            ChargeState.CANCELED -> PayCodeState.Answered("Not paid: the charge was canceled", paid = false)
            ChargeState.AWAITING_CONFIRMATION -> PayCodeState.Answered("Still waiting for your answer", paid = false)
        }
    }
}
