package io.purse.app.viewmodel

import io.purse.core.EventListener
import io.purse.core.TaskHandle
import io.purse.core.WalletInterface
import io.purse.core.shownText
import io.purse.model.Event
import io.purse.model.Notice
import io.purse.model.NoticeKind
import io.purse.model.Payout
import io.purse.model.WithdrawOutcome
import java.util.Locale
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch

/** A payout the shop's console asked for, as the screen asks about it. */
data class PayoutQuestion(val payoutId: String, val question: String, val spoken: String)

sealed interface PayoutPrompt {
    data object Idle : PayoutPrompt

    /** The console asked for a payout: confirm (biometric) or decline, within ten minutes. */
    data class Asking(val payout: PayoutQuestion) : PayoutPrompt
    data object Confirming : PayoutPrompt

    /** The answer: on its way to the bank, or not paid out. */
    data class Answered(val message: String, val paidOut: Boolean) : PayoutPrompt
    data class Failed(val error: UiError) : PayoutPrompt
}

/**
 * The shop's phone answering the payouts its web console asks for: a `payout_confirmation`
 * notice (or [onPayoutWaiting]) brings the question up; confirming signs the withdrawal with
 * the payment key behind the biometric, whose prompt the core words. What a payout is, and
 * that confirming twice pays out once, are the core's; this only asks and words the answer.
 */
class PayoutsViewModel(
    private val wallet: WalletInterface,
    private val scope: CoroutineScope,
    private val locale: Locale = Locale.getDefault(),
) {
    private val _state = MutableStateFlow<PayoutPrompt>(PayoutPrompt.Idle)
    val state: StateFlow<PayoutPrompt> = _state.asStateFlow()
    private var subscription: TaskHandle? = null

    /** Follows the event stream for payout questions until [stop]. */
    fun start() {
        if (subscription != null) return
        subscription = wallet.followEvents(object : EventListener {
            override fun onEvent(event: Event) {}

            override fun onNotice(notice: Notice) {
                if (notice.kind == NoticeKind.PAYOUT_CONFIRMATION) onPayoutWaiting()
            }

            override fun onError(reason: String) {}
        })
    }

    fun stop() {
        subscription?.cancel()
        subscription = null
    }

    /** A payout waits for this phone: ask about the newest one. */
    fun onPayoutWaiting() {
        scope.launch {
            try {
                val p = wallet.waitingPayouts().firstOrNull() ?: return@launch
                _state.value = PayoutPrompt.Asking(question(p, locale))
            } catch (e: Exception) {
                _state.value = PayoutPrompt.Failed(UiError.of(e))
            }
        }
    }

    fun confirm(payoutId: String) = answer {
        answered(wallet.confirmPayout(payoutId), locale)
    }

    fun decline(payoutId: String) = answer {
        wallet.declinePayout(payoutId)
        PayoutPrompt.Answered("Not paid out: you declined it", paidOut = false)
    }

    /** The user read the answer. */
    fun dismiss() {
        _state.value = PayoutPrompt.Idle
    }

    private fun answer(call: suspend () -> PayoutPrompt) {
        _state.value = PayoutPrompt.Confirming
        scope.launch {
            _state.value = try {
                call()
            } catch (e: Exception) {
                PayoutPrompt.Failed(UiError.of(e))
            }
        }
    }

    companion object {
        /** The bank's label is the backend's, escaped of anything that is not text. */
        fun question(p: Payout, locale: Locale): PayoutQuestion {
            val bank = shownText(p.bank)
            return PayoutQuestion(
                payoutId = p.payoutId,
                question = "Pay out ${MoneyText.format(p.amount, locale)} to $bank?",
                spoken = "Pay out ${MoneyText.spoken(p.amount, locale)} to $bank?",
            )
        }

        fun answered(o: WithdrawOutcome, locale: Locale): PayoutPrompt.Answered = when (o) {
            is WithdrawOutcome.Completed -> PayoutPrompt.Answered(
                "Paying out ${MoneyText.format(o.withdrawal.amount, locale)}: on its way to your bank",
                paidOut = true,
            )
            is WithdrawOutcome.Pending -> PayoutPrompt.Answered(
                "Sent; the backend's answer has not come yet. It is paid out once, whatever happens.",
                paidOut = false,
            )
        }
    }
}
