package io.purse.app.viewmodel

import io.purse.core.PurseException
import io.purse.core.checkRecoveryCode
import io.purse.core.sameRecoveryCode
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow

/** Where showing the recovery code is; the screen draws one of these. */
sealed interface RecoveryCodeState {
    /** The code in groups of four, with "I wrote it down". Screenshots should be blocked. */
    data class Showing(val groups: List<String>) : RecoveryCodeState

    /**
     * The user types the code back from what they wrote. [problem] says why the last try
     * was not it: a typo the check caught, or another code.
     */
    data class Checking(val problem: String? = null) : RecoveryCodeState

    /** Written down and checked; the code is gone from memory. */
    data object Saved : RecoveryCodeState
}

/**
 * The recovery code, shown once (after enrollment or a rotation) with a step that proves
 * the user wrote it down: typed back, compared by the core (which forgives case, dashes,
 * O for 0 and I or L for 1). After that nothing here holds it.
 */
class RecoveryCodeViewModel(code: String) {
    private var code: String? = code
    private val _state = MutableStateFlow<RecoveryCodeState>(RecoveryCodeState.Showing(code.split('-')))
    val state: StateFlow<RecoveryCodeState> = _state.asStateFlow()

    /** "I wrote it down". */
    fun written() {
        if (_state.value is RecoveryCodeState.Showing) _state.value = RecoveryCodeState.Checking()
    }

    /** Back to the code, to copy it again. */
    fun showAgain() {
        val c = code ?: return
        _state.value = RecoveryCodeState.Showing(c.split('-'))
    }

    fun check(typed: String) {
        val c = code ?: return
        _state.value = when {
            sameRecoveryCode(c, typed) -> {
                code = null
                RecoveryCodeState.Saved
            }
            else -> try {
                checkRecoveryCode(typed)
                RecoveryCodeState.Checking("This is not the code shown: look at what you wrote.")
            } catch (e: PurseException.CodeTypo) {
                RecoveryCodeState.Checking(e.reason)
            }
        }
    }
}
