package io.purse.app.viewmodel

import io.purse.core.PurseException
import io.purse.core.WalletInterface
import io.purse.core.parseAmount
import io.purse.model.Money
import io.purse.model.Recipient
import io.purse.model.Transfer
import io.purse.model.TransferOutcome
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch

/** Where sending money to a person is; each screen draws one of these. */
sealed interface SendState {
    /** Who ('$handle', phone, email) and how much; [notice] says why the last try stopped. */
    data class Entering(val notice: String? = null) : SendState

    data object Finding : SendState

    /**
     * "Send [amount] to [Recipient.maskedName] [Recipient.handle]?" — the backend's word
     * on who that is. [warning] when a scanned code named someone else.
     */
    data class Confirm(val recipient: Recipient, val amount: Money, val note: String, val warning: String? = null) : SendState

    /** The biometric prompt is up, or the transfer is on its way. */
    data object Sending : SendState

    data class Done(val transfer: Transfer) : SendState

    /** The answer was lost: the transfer will settle by itself; never shown as failed. */
    data class Pending(val intentId: String) : SendState

    data class Failed(val error: UiError) : SendState
}

/**
 * Sending money to a person, found by what the user typed or by scanning their receive
 * code. The amount is checked by the core before anything is sent; the recipient shown is
 * always the backend's.
 */
class SendViewModel(
    private val wallet: WalletInterface,
    private val scope: CoroutineScope,
) {
    private val _state = MutableStateFlow<SendState>(SendState.Entering())
    val state: StateFlow<SendState> = _state.asStateFlow()

    private fun currency(): String = wallet.account()?.currency ?: throw PurseException.NotEnrolled()

    fun find(query: String, amountText: String, note: String) {
        val amount = try {
            parseAmount(amountText.trim(), currency())
        } catch (e: PurseException) {
            _state.value = SendState.Entering(UiError.of(e).detail)
            return
        }
        _state.value = SendState.Finding
        scope.launch {
            _state.value = try {
                SendState.Confirm(wallet.findRecipient(query), amount, note)
            } catch (e: Exception) {
                SendState.Entering(UiError.of(e).let { "${it.title}: ${it.detail}" })
            }
        }
    }

    /** A scanned receive code: the recipient as the backend knows them. */
    fun fromCode(payload: String, typedAmount: String? = null) {
        _state.value = SendState.Finding
        scope.launch {
            _state.value = try {
                val q = wallet.resolvePerson(payload)
                val amount = typedAmount?.let { parseAmount(it.trim(), currency()) } ?: q.claimedAmount
                if (amount == null) {
                    SendState.Entering("This code asks for no amount: type one.")
                } else {
                    SendState.Confirm(
                        q.recipient,
                        amount,
                        q.note ?: "",
                        warning = if (q.nameMismatch) "The code calls itself “${q.claimedName}”; you would pay ${q.recipient.maskedName}." else null,
                    )
                }
            } catch (e: Exception) {
                SendState.Failed(UiError.of(e))
            }
        }
    }

    fun confirm() {
        val c = _state.value as? SendState.Confirm ?: return
        _state.value = SendState.Sending
        scope.launch {
            _state.value = try {
                when (val o = wallet.send(c.recipient, c.amount, c.note)) {
                    is TransferOutcome.Completed -> SendState.Done(o.transfer)
                    is TransferOutcome.Pending -> SendState.Pending(o.intentId)
                }
            } catch (e: PurseException.Cancelled) {
                c
            } catch (e: Exception) {
                SendState.Failed(UiError.of(e))
            }
        }
    }

    fun reset() {
        _state.value = SendState.Entering()
    }
}
