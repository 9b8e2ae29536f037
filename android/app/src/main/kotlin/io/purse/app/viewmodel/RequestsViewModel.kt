package io.purse.app.viewmodel

import io.purse.core.PurseException
import io.purse.core.WalletInterface
import io.purse.core.parseAmount
import io.purse.model.MoneyRequest
import io.purse.model.TransferOutcome
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch

data class RequestsState(
    /** Asked of this account: each with pay and decline. */
    val inbox: List<MoneyRequest> = emptyList(),
    /** Made by this account: each open one with cancel. */
    val sent: List<MoneyRequest> = emptyList(),
    /** The request being paid (its button shows progress). */
    val paying: String? = null,
    val error: UiError? = null,
)

/**
 * The requests inbox and asking others for money. Paying is the only way a request moves
 * money, behind the payment key's prompt; the core and backend make it happen at most once.
 */
class RequestsViewModel(
    private val wallet: WalletInterface,
    private val scope: CoroutineScope,
) {
    private val _state = MutableStateFlow(RequestsState())
    val state: StateFlow<RequestsState> = _state.asStateFlow()

    private fun act(block: suspend () -> Unit) {
        scope.launch {
            try {
                block()
                _state.update { it.copy(inbox = wallet.requests(true), sent = wallet.requests(false), paying = null, error = null) }
            } catch (e: Exception) {
                _state.update { it.copy(paying = null, error = UiError.of(e)) }
            }
        }
    }

    fun refresh() = act {}

    fun pay(request: MoneyRequest) {
        _state.update { it.copy(paying = request.requestId) }
        act {
            if (wallet.payRequest(request) is TransferOutcome.Pending) {
                _state.update { it.copy(error = UiError("Pending", "No answer yet: it will settle by itself.", canRetry = false, scanAgain = false)) }
            }
        }
    }

    fun decline(requestId: String) = act { wallet.declineRequest(requestId) }

    fun cancel(requestId: String) = act { wallet.cancelRequest(requestId) }

    fun ask(query: String, amountText: String, note: String) = act {
        val amount = parseAmount(amountText.trim(), wallet.account()?.currency ?: throw PurseException.NotEnrolled())
        wallet.requestMoney(wallet.findRecipient(query), amount, note)
    }
}
