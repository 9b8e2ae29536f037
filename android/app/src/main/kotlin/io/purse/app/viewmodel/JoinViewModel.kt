package io.purse.app.viewmodel

import io.purse.core.JoinProgress
import io.purse.core.PurseException
import io.purse.core.WalletInterface
import io.purse.core.checkRecoveryCode
import io.purse.core.WalletAccount
import io.purse.model.PairingOffer
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch

/** A phone with no wallet: creating one, or joining one; each screen draws one of these. */
sealed interface JoinState {
    /** "Add this phone to my wallet" or "I lost my phone: use my recovery code". */
    data object Choosing : JoinState

    data object Working : JoinState

    /** The pairing code (QR and text) and the number the other phone must show too. */
    data class ShowingCode(val offer: PairingOffer) : JoinState

    /** Typing the recovery code; [typo] as soon as the check catches one. */
    data class TypingCode(val typo: String? = null) : JoinState

    /** The recovery waits out its cool-off; the other devices may stop it until [until]. */
    data class WaitingForCoolOff(val until: Long) : JoinState

    /** A new wallet: show [recoveryCode] once (RecoveryCodeViewModel) before anything else. */
    data class Created(val account: WalletAccount, val recoveryCode: String) : JoinState

    /** This phone belongs to the wallet now; history and balance are here. */
    data class Joined(val account: WalletAccount) : JoinState

    data class Failed(val error: UiError) : JoinState
}

/**
 * A new phone's way into a wallet: pair it from a phone the user has, or recover with the
 * recovery code when there is none. Asks the core every [pollMillis] while it waits; the
 * core keeps what it waits for, so [resume] after a restart carries on.
 */
class JoinViewModel(
    private val wallet: WalletInterface,
    private val scope: CoroutineScope,
    private val pollMillis: Long = 2_000,
) {
    private val _state = MutableStateFlow<JoinState>(JoinState.Choosing)
    val state: StateFlow<JoinState> = _state.asStateFlow()
    private var follow: Job? = null

    /** The screen opens: show the code again, or go on waiting, or let the user choose. */
    fun resume() {
        val offer = try {
            wallet.pairingOffer()
        } catch (e: Exception) {
            _state.value = JoinState.Failed(UiError.of(e))
            return
        }
        if (offer != null) _state.value = JoinState.ShowingCode(offer)
        followJoin(initial = true)
    }

    /** No wallet yet: create one; its recovery code comes back once, in [JoinState.Created]. */
    fun create(name: String, currencyCode: String, deviceName: String) {
        _state.value = JoinState.Working
        scope.launch {
            try {
                val e = wallet.enroll(name, currencyCode, deviceName)
                _state.value = JoinState.Created(e.account, e.recoveryCode)
            } catch (e: Exception) {
                _state.value = JoinState.Failed(UiError.of(e))
            }
        }
    }

    fun pair(deviceName: String) {
        _state.value = JoinState.Working
        scope.launch {
            try {
                _state.value = JoinState.ShowingCode(wallet.startPairing(deviceName))
                followJoin(initial = false)
            } catch (e: Exception) {
                _state.value = JoinState.Failed(UiError.of(e))
            }
        }
    }

    fun useRecoveryCode() {
        _state.value = JoinState.TypingCode()
    }

    /** As the user types: a typo is shown before anything is sent. */
    fun typed(code: String) {
        val typo = try {
            checkRecoveryCode(code)
            null
        } catch (e: PurseException.CodeTypo) {
            e.reason
        }
        _state.value = JoinState.TypingCode(typo)
    }

    fun recover(code: String, deviceName: String) {
        _state.value = JoinState.Working
        scope.launch {
            try {
                val r = wallet.startRecovery(code, deviceName)
                _state.value = JoinState.WaitingForCoolOff(r.completesAt)
                followJoin(initial = false)
            } catch (e: PurseException.CodeTypo) {
                _state.value = JoinState.TypingCode(e.reason)
            } catch (e: Exception) {
                _state.value = JoinState.Failed(UiError.of(e))
            }
        }
    }

    /** Gives up: the new keys are forgotten, back to the choice. */
    fun cancel() {
        follow?.cancel()
        follow = null
        try {
            wallet.forgetJoin()
        } catch (_: Exception) {
        }
        _state.value = JoinState.Choosing
    }

    private fun followJoin(initial: Boolean) {
        follow?.cancel()
        follow = scope.launch {
            while (true) {
                try {
                    when (val p = wallet.checkJoin()) {
                        is JoinProgress.Joined -> {
                            _state.value = JoinState.Joined(p.account)
                            return@launch
                        }
                        is JoinProgress.Waiting ->
                            if (_state.value !is JoinState.ShowingCode) {
                                _state.value = JoinState.WaitingForCoolOff(p.until)
                            }
                    }
                } catch (e: PurseException.NotEnrolled) {
                    // Nothing to wait for: a fresh phone.
                    if (initial) _state.value = JoinState.Choosing
                    return@launch
                } catch (e: PurseException.Network) {
                    // Waiting goes on; the next ask may get through.
                } catch (e: Exception) {
                    _state.value = JoinState.Failed(UiError.of(e))
                    return@launch
                }
                delay(pollMillis)
            }
        }
    }
}
