package io.purse.app.viewmodel

import io.purse.core.WalletInterface
import io.purse.model.Device
import io.purse.model.Notice
import io.purse.model.NoticeKind
import io.purse.model.PairingRequest
import io.purse.model.Recovery
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch

/** Adding a device from this phone, step by step. */
sealed interface ApproveStep {
    /** Reading the scanned or typed code with the backend. */
    data object Opening : ApproveStep

    /** "Add [PairingRequest.deviceName]? Does it show [PairingRequest.confirmation]?" */
    data class Confirm(val request: PairingRequest, val code: String) : ApproveStep

    /** The biometric prompt is up, or the approval is on its way. */
    data object Adding : ApproveStep

    data class Added(val device: Device) : ApproveStep
}

data class DevicesState(
    val devices: List<Device> = emptyList(),
    /** Recoveries in their cool-off: each shown with a "this was not me: stop it" button. */
    val recoveries: List<Recovery> = emptyList(),
    val approving: ApproveStep? = null,
    /** A new recovery code to show once (hand it to [RecoveryCodeViewModel]). */
    val newRecoveryCode: String? = null,
    val error: UiError? = null,
)

/**
 * The wallet's devices as a phone of the account manages them: the list, adding a device
 * from its pairing code (the user compares the number on both screens; the payment key
 * signs), stopping a recovery someone started, replacing the recovery code.
 */
class DevicesViewModel(
    private val wallet: WalletInterface,
    private val scope: CoroutineScope,
) {
    private val _state = MutableStateFlow(DevicesState())
    val state: StateFlow<DevicesState> = _state.asStateFlow()

    private fun failed(e: Exception) = _state.update { it.copy(error = UiError.of(e)) }

    fun refresh() {
        scope.launch {
            try {
                val devices = wallet.devices()
                val recoveries = wallet.recoveries()
                _state.update { it.copy(devices = devices, recoveries = recoveries, error = null) }
            } catch (e: Exception) {
                failed(e)
            }
        }
    }

    /** From the home screen's event stream: a device or recovery changed, look again. */
    fun onNotice(notice: Notice) {
        if (notice.kind != NoticeKind.RECOVERY_CODE_ROTATED) refresh()
    }

    /** A pairing code scanned (QR) or typed on the new device's behalf. */
    fun open(code: String) {
        _state.update { it.copy(approving = ApproveStep.Opening, error = null) }
        scope.launch {
            try {
                val request = wallet.openPairing(code)
                _state.update { it.copy(approving = ApproveStep.Confirm(request, code)) }
            } catch (e: Exception) {
                _state.update { it.copy(approving = null, error = UiError.of(e)) }
            }
        }
    }

    /** The user saw the same number on both screens. */
    fun approve() {
        val step = _state.value.approving as? ApproveStep.Confirm ?: return
        _state.update { it.copy(approving = ApproveStep.Adding) }
        scope.launch {
            try {
                val device = wallet.approvePairing(step.code, step.request.confirmation)
                _state.update { it.copy(approving = ApproveStep.Added(device)) }
                refresh()
            } catch (e: Exception) {
                _state.update { it.copy(approving = null, error = UiError.of(e)) }
            }
        }
    }

    /** The numbers differ, or the user changed their mind: nothing is added. */
    fun reject() = _state.update { it.copy(approving = null) }

    fun cancelRecovery(recoveryId: String) {
        scope.launch {
            try {
                wallet.cancelRecovery(recoveryId)
                refresh()
            } catch (e: Exception) {
                failed(e)
            }
        }
    }

    fun revoke(deviceId: String) {
        scope.launch {
            try {
                wallet.revokeDevice(deviceId)
                refresh()
            } catch (e: Exception) {
                failed(e)
            }
        }
    }

    fun rotateRecoveryCode() {
        scope.launch {
            try {
                val code = wallet.rotateRecoveryCode()
                _state.update { it.copy(newRecoveryCode = code) }
            } catch (e: Exception) {
                failed(e)
            }
        }
    }

    /** The new code went to its own screen: forget it here. */
    fun recoveryCodeShown() = _state.update { it.copy(newRecoveryCode = null) }
}
