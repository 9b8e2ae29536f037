package io.purse.app.viewmodel

import io.purse.core.PurseException

/**
 * An error as a screen shows it: what happened, in words, and what the user can do next.
 * Every binding error lands in exactly one of these.
 */
data class UiError(
    val title: String,
    val detail: String,
    /** Trying the same thing again may work (network). */
    val canRetry: Boolean,
    /** Scanning another code is the way on (bad or foreign code, paid order). */
    val scanAgain: Boolean,
    /** The backend's request id when it refused: shown small, for the user to quote to support. */
    val reference: String? = null,
) {
    companion object {
        fun of(e: Throwable): UiError = when (e) {
            is PurseException.Network -> UiError("No connection", "Check the network and try again.", canRetry = true, scanAgain = false)
            is PurseException.UntrustedServer -> UiError("Connection not trusted", "This network may be listening in. Nothing was sent; try another network.", canRetry = false, scanAgain = false)
            is PurseException.InsufficientFunds -> UiError("Not enough money", e.reason, canRetry = false, scanAgain = false, reference = e.requestId)
            is PurseException.LimitReached -> UiError("Limit reached", e.reason, canRetry = false, scanAgain = false, reference = e.requestId)
            is PurseException.PaymentRefused -> UiError("Payment refused", e.reason, canRetry = false, scanAgain = true, reference = e.requestId)
            is PurseException.InvalidCode -> UiError("Not a payment code", "This QR code cannot be paid.", canRetry = false, scanAgain = true)
            is PurseException.UnsupportedCode -> UiError("Not supported", "${e.format} codes cannot be paid with Purse.", canRetry = false, scanAgain = true)
            is PurseException.UnreadableImage -> UiError("No code found", "No QR code could be read in this picture.", canRetry = false, scanAgain = true)
            is PurseException.Authentication -> UiError("Not recognised", e.reason, canRetry = true, scanAgain = false)
            is PurseException.LockedOut -> UiError("Too many attempts", "Try again in ${e.retryAfterSecs} s.", canRetry = false, scanAgain = false)
            is PurseException.DeviceRevoked -> UiError("Device signed out", "This phone was removed from your account.", canRetry = false, scanAgain = false)
            is PurseException.NotEnrolled -> UiError("No wallet", "Set up your wallet first.", canRetry = false, scanAgain = false)
            is PurseException.InvalidBill -> UiError("Check the bill", e.reason, canRetry = false, scanAgain = false)
            is PurseException.InvalidInput -> UiError("Check the amount", e.reason, canRetry = false, scanAgain = false)
            is PurseException.Declined -> UiError("Declined", e.reason, canRetry = false, scanAgain = false, reference = e.requestId)
            is PurseException.Refused -> UiError("Refused", e.reason, canRetry = false, scanAgain = false, reference = e.requestId)
            is PurseException.CodeTypo -> UiError("Check the code", e.reason, canRetry = false, scanAgain = true)
            is PurseException.PairingExpired -> UiError("Code expired", "Show a new code on the new phone.", canRetry = false, scanAgain = true)
            is PurseException.ConfirmationMismatch -> UiError("Numbers differ", "Do not add this device: the numbers on the two screens are not the same.", canRetry = false, scanAgain = true)
            is PurseException.RecoveryCodeWrong -> UiError("Not your recovery code", "No wallet has this code. Check it letter by letter.", canRetry = false, scanAgain = false)
            is PurseException.RecoveryCancelled -> UiError("Recovery stopped", "One of the wallet's devices stopped this recovery.", canRetry = false, scanAgain = false)
            is PurseException.RateLimited -> UiError("Too many attempts", "Try again in ${e.retryAfterSecs} s.", canRetry = false, scanAgain = false, reference = e.requestId)
            is PurseException.PayCodeUnavailable -> UiError("Connect once", "Pay codes work offline after this phone has been online once this week.", canRetry = true, scanAgain = false)
            is PurseException.Cancelled -> UiError("Cancelled", "", canRetry = true, scanAgain = false)
            is PurseException.Internal -> UiError("Something went wrong", e.reason, canRetry = false, scanAgain = false)
            else -> UiError("Something went wrong", e.message ?: e.toString(), canRetry = false, scanAgain = false)
        }
    }
}
