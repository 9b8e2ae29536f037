import PurseCore

/// An error as a screen shows it: what happened, in words, and what the user can do next.
/// Every binding error lands in exactly one of these: the same table as Android's `UiError`.
struct UiError: Equatable {
    let title: String
    let detail: String
    /// Trying the same thing again may work (network).
    let canRetry: Bool
    /// Scanning another code is the way on (bad or foreign code, paid order).
    let scanAgain: Bool
    /// The backend's request id when it refused: shown small, for the user to quote to support.
    var reference: String? = nil

    static func of(_ error: Error) -> UiError {
        guard let e = error as? PurseError else {
            return UiError(title: "Something went wrong", detail: "\(error)", canRetry: false, scanAgain: false)
        }
        switch e {
        case .Network:
            return UiError(title: "No connection", detail: "Check the network and try again.", canRetry: true, scanAgain: false)
        case .UntrustedServer:
            return UiError(title: "Connection not trusted", detail: "This network may be listening in. Nothing was sent; try another network.", canRetry: false, scanAgain: false)
        case let .InsufficientFunds(reason, requestId):
            return UiError(title: "Not enough money", detail: reason, canRetry: false, scanAgain: false, reference: requestId)
        case let .LimitReached(_, reason, requestId):
            return UiError(title: "Limit reached", detail: reason, canRetry: false, scanAgain: false, reference: requestId)
        case let .PaymentRefused(_, reason, requestId):
            return UiError(title: "Payment refused", detail: reason, canRetry: false, scanAgain: true, reference: requestId)
        case .InvalidCode:
            return UiError(title: "Not a payment code", detail: "This QR code cannot be paid.", canRetry: false, scanAgain: true)
        case let .UnsupportedCode(format, _):
            return UiError(title: "Not supported", detail: "\(format) codes cannot be paid with Purse.", canRetry: false, scanAgain: true)
        case .UnreadableImage:
            return UiError(title: "No code found", detail: "No QR code could be read in this picture.", canRetry: false, scanAgain: true)
        case let .Authentication(reason):
            return UiError(title: "Not recognised", detail: reason, canRetry: true, scanAgain: false)
        case let .LockedOut(retryAfterSecs):
            return UiError(title: "Too many attempts", detail: "Try again in \(retryAfterSecs) s.", canRetry: false, scanAgain: false)
        case .DeviceRevoked:
            return UiError(title: "Device signed out", detail: "This phone was removed from your account.", canRetry: false, scanAgain: false)
        case .NotEnrolled:
            return UiError(title: "No wallet", detail: "Set up your wallet first.", canRetry: false, scanAgain: false)
        case let .InvalidBill(_, reason):
            return UiError(title: "Check the bill", detail: reason, canRetry: false, scanAgain: false)
        case let .InvalidInput(reason):
            return UiError(title: "Check the amount", detail: reason, canRetry: false, scanAgain: false)
        case let .Declined(_, _, reason, requestId):
            return UiError(title: "Declined", detail: reason, canRetry: false, scanAgain: false, reference: requestId)
        case let .Refused(_, reason, requestId):
            return UiError(title: "Refused", detail: reason, canRetry: false, scanAgain: false, reference: requestId)
        case let .CodeTypo(reason):
            return UiError(title: "Check the code", detail: reason, canRetry: false, scanAgain: true)
        case .PairingExpired:
            return UiError(title: "Code expired", detail: "Show a new code on the new phone.", canRetry: false, scanAgain: true)
        case .ConfirmationMismatch:
            return UiError(title: "Numbers differ", detail: "Do not add this device: the numbers on the two screens are not the same.", canRetry: false, scanAgain: true)
        case .RecoveryCodeWrong:
            return UiError(title: "Not your recovery code", detail: "No wallet has this code. Check it letter by letter.", canRetry: false, scanAgain: false)
        case .RecoveryCancelled:
            return UiError(title: "Recovery stopped", detail: "One of the wallet's devices stopped this recovery.", canRetry: false, scanAgain: false)
        case let .RateLimited(retryAfterSecs, requestId):
            return UiError(title: "Too many attempts", detail: "Try again in \(retryAfterSecs) s.", canRetry: false, scanAgain: false, reference: requestId)
        case .PayCodeUnavailable:
            return UiError(title: "Connect once", detail: "Pay codes work offline after this phone has been online once this week.", canRetry: true, scanAgain: false)
        case .Cancelled:
            return UiError(title: "Cancelled", detail: "", canRetry: true, scanAgain: false)
        case let .Internal(reason):
            return UiError(title: "Something went wrong", detail: reason, canRetry: false, scanAgain: false)
        }
    }
}
