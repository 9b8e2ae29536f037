import Foundation
import PurseCore

/// Where the pay flow is; each view draws one of these. The same states as Android's.
enum PayState: Equatable {
    case scanning
    case resolving
    case confirm(quote: Quote, needsAmount: Bool, nameWarning: String?, notice: String?)
    case paying(quote: Quote, amount: Money)
    case done(payment: Payment)
    /// The answer did not arrive: the core follows it; never shown as failed.
    case pending(intentId: String, quote: Quote)
    case failed(error: UiError, quote: Quote?)
}

/// The pay flow's decisions: scan -> quote -> confirm -> result. Views forward frames and
/// taps and draw `state`; nothing here imports UIKit or SwiftUI.
@MainActor
final class PayViewModel: ObservableObject {
    @Published private(set) var state: PayState = .scanning
    private let wallet: WalletProtocol
    private let taken = ManagedAtomicFlag()
    /// The first pause before the core asks again about a payment whose answer was lost.
    private let pendingRetryMillis: UInt32
    /// The core's watch of a pending payment, while the pending screen is up.
    private var watch: TaskHandle?
    /// The core's hold on the code being confirmed: paying goes through it, so the merchant
    /// name the prompt and the outbox use is the backend's, never one this screen hands back.
    private var prepared: PreparedPaymentProtocol?

    init(wallet: WalletProtocol, pendingRetryMillis: UInt32 = 2_000) {
        self.wallet = wallet
        self.pendingRetryMillis = pendingRetryMillis
    }

    /// A camera frame's luma plane, on the capture queue, with how far it turns clockwise to
    /// be upright. True when a code was taken.
    nonisolated func onFrame(luma: Data, width: Int, height: Int, rowStride: Int, rotationDegrees: Int) -> Bool {
        guard !taken.isSet,
              let found = try? scanLumaFrame(luma: luma, width: UInt32(width), height: UInt32(height),
                                             rowStride: UInt32(rowStride), rotationDegrees: UInt32(rotationDegrees)),
              taken.setIfUnset()
        else { return false }
        Task { @MainActor in self.onPayload(found.payload) }
        return true
    }

    /// A picture from the photo library (a screenshot someone sent).
    func onImage(_ data: Data) {
        guard taken.setIfUnset() else { return }
        state = .resolving
        Task {
            do {
                guard let code = try await wallet.scanImage(image: data).first else {
                    throw PurseError.UnreadableImage(reason: "no QR code in the picture")
                }
                onPayload(code.payload)
            } catch {
                state = .failed(error: UiError.of(error), quote: nil)
            }
        }
    }

    func onPayload(_ payload: String) {
        state = .resolving
        Task {
            do {
                let prepared = try await wallet.resolve(payload: payload)
                self.prepared = prepared
                let quote = prepared.quote()
                let warning = prepared.nameMismatch()
                    ? "The code says \"\(prepared.claimedName() ?? "")\"; Purse knows this merchant as \"\(quote.merchantName)\"."
                    : nil
                state = .confirm(quote: quote, needsAmount: prepared.needsAmount(), nameWarning: warning, notice: nil)
            } catch {
                state = .failed(error: UiError.of(error), quote: nil)
            }
        }
    }

    /// The user tapped Pay; Face ID comes up inside `pay`.
    func confirm(typedAmount: String?) {
        guard case let .confirm(quote, needsAmount, warning, _) = state, let prepared else { return }
        let amount: Money
        if let fixed = quote.amount {
            amount = fixed
        } else {
            do {
                amount = try parseAmount(amount: (typedAmount ?? "").trimmingCharacters(in: .whitespaces), currencyCode: quote.currency)
                guard amount.minor > 0 else { throw PurseError.InvalidInput(reason: "enter an amount above zero") }
            } catch {
                let why = (error as? PurseError).flatMap { e -> String? in
                    if case let .InvalidInput(reason) = e { return reason }
                    return nil
                } ?? "enter the amount"
                state = .confirm(quote: quote, needsAmount: needsAmount, nameWarning: warning, notice: why)
                return
            }
        }
        state = .paying(quote: quote, amount: amount)
        Task {
            do {
                switch try await prepared.pay(amount: needsAmount ? amount : nil) {
                case let .completed(payment): state = .done(payment: payment)
                case let .pending(intentId):
                    state = .pending(intentId: intentId, quote: quote)
                    followPending(intentId: intentId, quote: quote)
                }
            } catch PurseError.Cancelled {
                // The user backed out of the prompt: back to the sheet, nothing alarming.
                state = .confirm(quote: quote, needsAmount: needsAmount, nameWarning: warning, notice: nil)
            } catch let PurseError.Authentication(reason) {
                state = .confirm(quote: quote, needsAmount: needsAmount, nameWarning: warning, notice: reason)
            } catch {
                state = .failed(error: UiError.of(error), quote: quote)
            }
        }
    }

    /// While the pending screen is up, the core follows the payment (asking again with the
    /// same key, so this can never pay twice) and says how it ended; this only draws it. An
    /// `unresolved` watch leaves the screen pending: unknown is never shown as failed.
    private func followPending(intentId: String, quote: Quote) {
        watch?.cancel()
        let pending = PayState.pending(intentId: intentId, quote: quote)
        watch = wallet.watchPayment(intentId: intentId, firstPauseMs: pendingRetryMillis,
                                    listener: PaymentUpdates { [weak self] update in
            Task { @MainActor in
                guard let self, self.state == pending else { return }
                switch update {
                case let .completed(payment): self.state = .done(payment: payment)
                case let .failed(error): self.state = .failed(error: UiError.of(error), quote: quote)
                case .pending, .unresolved: break
                }
            }
        })
    }

    func scanAgain() {
        watch?.cancel()
        watch = nil
        prepared = nil
        taken.reset()
        state = .scanning
    }
}

/// Hands the core's payment updates to a closure (on a core thread).
final class PaymentUpdates: PaymentListener, @unchecked Sendable {
    private let handle: (PaymentUpdate) -> Void
    init(_ handle: @escaping (PaymentUpdate) -> Void) { self.handle = handle }
    func onUpdate(update: PaymentUpdate) { handle(update) }
}

/// A flag set once per scan from the capture queue, read from anywhere.
final class ManagedAtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func setIfUnset() -> Bool { lock.withLock { if value { return false }; value = true; return true } }
    func reset() { lock.withLock { value = false } }
}
