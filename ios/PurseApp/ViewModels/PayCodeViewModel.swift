import Foundation
import PurseCore

/// The pay-code screen: the code of now, the next one each step and at once after a
/// payment, the question about a charge above the limit; the same decisions as Android's
/// `PayCodeViewModel`. Which code shows and what a charge needs are the core's.
@MainActor
final class PayCodeViewModel: ObservableObject {
    struct Code: Equatable {
        let qrText: String
        /// For the eye and the till's scanner only: hidden from VoiceOver.
        let digits: String
        /// What VoiceOver reads instead of the digits.
        let spoken: String
        let secondsLeft: Int64
        let offlineUntil: String
    }

    struct Question: Equatable {
        let chargeId: String
        let question: String
        let spoken: String
    }

    enum State: Equatable {
        case loading
        case showing(Code)
        case asking(Question)
        case confirming
        case answered(message: String, paid: Bool)
        case failed(UiError)
    }

    @Published private(set) var state: State = .loading
    private let wallet: WalletProtocol
    private let locale: Locale
    private var ticker: Task<Void, Never>?
    private var subscription: TaskHandle?
    private var shown: Code?

    init(wallet: WalletProtocol, locale: Locale = .current) {
        self.wallet = wallet
        self.locale = locale
    }

    /// Shows codes and follows events until `stop`.
    func start() {
        if subscription == nil {
            subscription = wallet.followEvents(listener: Listener(
                onPayment: { [weak self] in Task { @MainActor in self?.showCodes() } },
                onWaiting: { [weak self] in Task { @MainActor in self?.askWaiting() } }
            ))
        }
        showCodes()
    }

    func stop() {
        ticker?.cancel()
        ticker = nil
        subscription?.cancel()
        subscription = nil
    }

    func confirm(_ chargeId: String) { answer { try await $0.confirmCharge(chargeId: chargeId) } }

    func decline(_ chargeId: String) { answer { try await $0.declineCharge(chargeId: chargeId) } }

    /// The user read the answer: back to the code.
    func dismiss() {
        state = shown.map { .showing($0) } ?? .loading
        showCodes()
    }

    private var showsCode: Bool {
        switch state {
        case .loading, .showing, .failed: return true
        default: return false
        }
    }

    private func showCodes() {
        ticker?.cancel()
        ticker = Task {
            while !Task.isCancelled {
                do {
                    let code = Self.code(try await wallet.payCode(), locale: locale)
                    shown = code
                    if showsCode { state = .showing(code) }
                    try await Task.sleep(nanoseconds: UInt64(max(code.secondsLeft, 1)) * 1_000_000_000)
                } catch is CancellationError {
                    return
                } catch {
                    if showsCode { state = .failed(UiError.of(error)) }
                    return
                }
            }
        }
    }

    private func askWaiting() {
        Task {
            do {
                guard let c = try await wallet.waitingCharges().first else { return }
                state = .asking(Self.question(c, locale: locale))
            } catch {
                state = .failed(UiError.of(error))
            }
        }
    }

    private func answer(_ call: @escaping (WalletProtocol) async throws -> PayCodeCharge) {
        state = .confirming
        Task {
            do { state = Self.answered(try await call(wallet), locale: locale) } catch { state = .failed(UiError.of(error)) }
            showCodes()
        }
    }

    static func code(_ s: ShownPayCode, locale: Locale) -> Code {
        let until = Date(timeIntervalSince1970: TimeInterval(s.validUntil))
            .formatted(Date.FormatStyle(date: .abbreviated, time: .omitted).locale(locale))
        return Code(
            qrText: s.qrText,
            digits: s.grouped,
            spoken: "Pay code. Show this screen to the cashier; it changes every 30 seconds.",
            secondsLeft: s.secondsLeft,
            offlineUntil: "Works offline until \(until)."
        )
    }

    /// The merchant's name is the backend's, escaped of anything that is not text.
    static func question(_ c: PayCodeCharge, locale: Locale) -> Question {
        let name = shownText(text: c.merchantName)
        return Question(
            chargeId: c.chargeId,
            question: "Pay \(MoneyText.format(c.amount, locale: locale)) to \(name)?",
            spoken: "Pay \(MoneyText.spoken(c.amount, locale: locale)) to \(name)?"
        )
    }

    static func answered(_ c: PayCodeCharge, locale: Locale) -> State {
        switch c.state {
        case .completed:
            return .answered(message: "Paid \(MoneyText.format(c.amount, locale: locale)) to \(shownText(text: c.merchantName))", paid: true)
        case .canceled:
            return .answered(message: "Not paid: the charge was canceled", paid: false)
        case .awaitingConfirmation:
            return .answered(message: "Still waiting for your answer", paid: false)
        }
    }

    private final class Listener: EventListener, @unchecked Sendable {
        let onPayment: () -> Void
        let onWaiting: () -> Void
        init(onPayment: @escaping () -> Void, onWaiting: @escaping () -> Void) {
            self.onPayment = onPayment
            self.onWaiting = onWaiting
        }
        func onEvent(event: Event) { if event.transaction.kind == .payment { onPayment() } }
        func onNotice(notice: Notice) { if notice.kind == .paycodeConfirmation { onWaiting() } }
        func onError(reason: String) {}
    }
}
