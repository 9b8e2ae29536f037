import Foundation
import PurseCore

/// Where the pay flow is; each view draws one of these. The same states as Android's.
enum PayState: Equatable {
    case scanning
    case resolving
    case confirm(quote: Quote, needsAmount: Bool, nameWarning: String?, notice: String?)
    case paying(quote: Quote, amount: Money)
    case done(payment: Payment)
    /// The answer did not arrive: it settles by itself; never shown as failed.
    case pending(intentId: String)
    case failed(title: String, detail: String, scanAgain: Bool)
}

/// The pay flow's decisions: scan -> quote -> confirm -> result. Views forward frames and
/// taps and draw `state`; nothing here imports UIKit or SwiftUI.
@MainActor
final class PayViewModel: ObservableObject {
    @Published private(set) var state: PayState = .scanning
    private let wallet: WalletProtocol
    private let taken = ManagedAtomicFlag()

    init(wallet: WalletProtocol) { self.wallet = wallet }

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
                state = Self.failure(error)
            }
        }
    }

    func onPayload(_ payload: String) {
        state = .resolving
        Task {
            do {
                let quote = try await wallet.resolve(payload: payload)
                let warning = quote.nameMismatch
                    ? "The code says \"\(quote.claimedName ?? "")\"; Purse knows this merchant as \"\(quote.merchantName)\"."
                    : nil
                state = .confirm(quote: quote, needsAmount: quote.amount == nil, nameWarning: warning, notice: nil)
            } catch {
                state = Self.failure(error)
            }
        }
    }

    /// The user tapped Pay; Face ID comes up inside `pay`.
    func confirm(typedAmount: String?) {
        guard case let .confirm(quote, needsAmount, warning, _) = state else { return }
        let amount: Money
        if let fixed = quote.amount {
            amount = fixed
        } else {
            do {
                amount = try parseAmount(amount: (typedAmount ?? "").trimmingCharacters(in: .whitespaces), currencyCode: quote.currency)
                guard amount.minor > 0 else { throw PurseError.InvalidInput(reason: "enter an amount above zero") }
            } catch {
                state = .confirm(quote: quote, needsAmount: needsAmount, nameWarning: warning, notice: "\(error)")
                return
            }
        }
        state = .paying(quote: quote, amount: amount)
        Task {
            do {
                switch try await wallet.pay(quote: quote, amount: quote.amount == nil ? amount : nil) {
                case let .completed(payment): state = .done(payment: payment)
                case let .pending(intentId):
                    state = .pending(intentId: intentId)
                    await followPending(intentId)
                }
            } catch PurseError.Cancelled {
                state = .confirm(quote: quote, needsAmount: needsAmount, nameWarning: warning, notice: nil)
            } catch {
                state = Self.failure(error)
            }
        }
    }

    /// While the pending screen is up, asks the core again (it re-sends with the same key, so
    /// this can never pay twice), pausing 2 s then doubling up to 30 s, until the backend's
    /// answer comes. Only the payment's own refusal becomes a failure: unknown stays pending.
    private func followPending(_ intentId: String) async {
        var pause: UInt64 = 2
        while state == .pending(intentId: intentId) {
            try? await Task.sleep(nanoseconds: pause * 1_000_000_000)
            pause = min(pause * 2, 30)
            guard state == .pending(intentId: intentId) else { return }
            do {
                if case let .completed(payment) = try await wallet.settle(intentId: intentId) {
                    state = .done(payment: payment)
                    return
                }
            } catch PurseError.Network {
                continue
            } catch let e as PurseError {
                switch e {
                case .InsufficientFunds, .LimitReached, .PaymentRefused: state = Self.failure(e)
                default: break // not the payment's answer: the home screen's reconcile will tell
                }
                return
            } catch {
                return
            }
        }
    }

    func scanAgain() {
        taken.reset()
        state = .scanning
    }

    static func failure(_ error: Error) -> PayState {
        guard let e = error as? PurseError else {
            return .failed(title: "Something went wrong", detail: "\(error)", scanAgain: false)
        }
        switch e {
        case .Network: return .failed(title: "No connection", detail: "Check the network and try again.", scanAgain: false)
        case let .InsufficientFunds(reason, requestId):
            return .failed(title: "Not enough money", detail: withReference(reason, requestId), scanAgain: false)
        case let .LimitReached(_, reason, requestId):
            return .failed(title: "Limit reached", detail: withReference(reason, requestId), scanAgain: false)
        case let .PaymentRefused(_, reason, requestId):
            return .failed(title: "Payment refused", detail: withReference(reason, requestId), scanAgain: true)
        case .InvalidCode: return .failed(title: "Not a payment code", detail: "This QR code cannot be paid.", scanAgain: true)
        case let .UnsupportedCode(format, _): return .failed(title: "Not supported", detail: "\(format) codes cannot be paid with Purse.", scanAgain: true)
        case let .Authentication(reason): return .failed(title: "Not recognised", detail: reason, scanAgain: false)
        default: return .failed(title: "Something went wrong", detail: "\(e)", scanAgain: false)
        }
    }

    /// The backend's request id under the text, for the user to quote to support.
    private static func withReference(_ reason: String, _ requestId: String?) -> String {
        requestId.map { "\(reason)\nReference \($0)" } ?? reason
    }
}

/// A flag set once per scan from the capture queue, read from anywhere.
final class ManagedAtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func setIfUnset() -> Bool { lock.withLock { if value { return false }; value = true; return true } }
    func reset() { lock.withLock { value = false } }
}
