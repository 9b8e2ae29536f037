package io.purse.app.viewmodel

import io.purse.core.PurseException
import io.purse.core.WalletInterface
import io.purse.core.parseAmount
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch

data class ReceiveState(
    /** The QR payload to draw (`qrPng`), with the amount and note asked for. */
    val payload: String? = null,
    val codeId: String? = null,
    val error: UiError? = null,
)

/** The account's receive code: shown, optionally asking for an amount; rotated when it got around. */
class ReceiveViewModel(
    private val wallet: WalletInterface,
    private val scope: CoroutineScope,
) {
    private val _state = MutableStateFlow(ReceiveState())
    val state: StateFlow<ReceiveState> = _state.asStateFlow()

    fun show(amountText: String? = null, note: String? = null) {
        scope.launch {
            try {
                val amount = amountText?.takeIf { it.isNotBlank() }?.let {
                    parseAmount(it.trim(), wallet.account()?.currency ?: throw PurseException.NotEnrolled())
                }
                val code = wallet.receiveCode(amount, note?.takeIf { it.isNotBlank() })
                _state.value = ReceiveState(code.payload, code.codeId)
            } catch (e: Exception) {
                _state.update { it.copy(error = UiError.of(e)) }
            }
        }
    }

    /** A new code; the old one (printed, shared) stops working. */
    fun rotate() {
        scope.launch {
            try {
                val code = wallet.rotateReceiveCode()
                _state.value = ReceiveState(code.payload, code.codeId)
            } catch (e: Exception) {
                _state.update { it.copy(error = UiError.of(e)) }
            }
        }
    }
}
