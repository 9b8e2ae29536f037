import Foundation
import PurseCore

/// The shop's phone answering the payouts its web console asks for: a `payout_confirmation`
/// notice brings the question up; confirming signs the withdrawal behind the biometric. The
/// same states, words and errors as Android's `PayoutsViewModel`; what a payout is, and that
/// confirming twice pays out once, are the core's.
@MainActor
final class PayoutsViewModel: ObservableObject {
    struct Question: Equatable {
        let payoutId: String
        let question: String
        let spoken: String
    }

    enum State: Equatable {
        case idle
        case asking(Question)
        case confirming
        case answered(message: String, paidOut: Bool)
        case failed(UiError)
    }

    @Published private(set) var state: State = .idle
    private let wallet: WalletProtocol
    private let locale: Locale
    private var subscription: TaskHandle?

    init(wallet: WalletProtocol, locale: Locale = .current) {
        self.wallet = wallet
        self.locale = locale
    }

    /// Follows the event stream for payout questions until `stop`.
    func start() {
        guard subscription == nil else { return }
        subscription = wallet.followEvents(listener: Listener(
            onWaiting: { [weak self] in Task { @MainActor in self?.onPayoutWaiting() } }
        ))
    }

    func stop() {
        subscription?.cancel()
        subscription = nil
    }

    /// A payout waits for this phone: ask about the newest one.
    func onPayoutWaiting() {
        Task {
            do {
                guard let p = try await wallet.waitingPayouts().first else { return }
                state = .asking(Self.question(p, locale: locale))
            } catch {
                state = .failed(UiError.of(error))
            }
        }
    }

    func confirm(_ payoutId: String) {
        answer { [locale] in Self.answered(try await $0.confirmPayout(payoutId: payoutId), locale: locale) }
    }

    func decline(_ payoutId: String) {
        answer {
            _ = try await $0.declinePayout(payoutId: payoutId)
            return .answered(message: "Not paid out: you declined it", paidOut: false)
        }
    }

    /// The user read the answer.
    func dismiss() { state = .idle }

    private func answer(_ call: @escaping (WalletProtocol) async throws -> State) {
        state = .confirming
        Task {
            do { state = try await call(wallet) } catch { state = .failed(UiError.of(error)) }
        }
    }

    /// The bank's label is the backend's, escaped of anything that is not text.
    static func question(_ p: Payout, locale: Locale) -> Question {
        let bank = shownText(text: p.bank)
        return Question(
            payoutId: p.payoutId,
            question: "Pay out \(MoneyText.format(p.amount, locale: locale)) to \(bank)?",
            spoken: "Pay out \(MoneyText.spoken(p.amount, locale: locale)) to \(bank)?"
        )
    }

    static func answered(_ o: WithdrawOutcome, locale: Locale) -> State {
        switch o {
        case .completed(let withdrawal):
            return .answered(
                message: "Paying out \(MoneyText.format(withdrawal.amount, locale: locale)): on its way to your bank",
                paidOut: true
            )
        case .pending:
            return .answered(
                message: "Sent; the backend's answer has not come yet. It is paid out once, whatever happens.",
                paidOut: false
            )
        }
    }

    private final class Listener: EventListener, @unchecked Sendable {
        let onWaiting: () -> Void
        init(onWaiting: @escaping () -> Void) { self.onWaiting = onWaiting }
        func onEvent(event: Event) {}
        func onNotice(notice: Notice) { if notice.kind == .payoutConfirmation { onWaiting() } }
        func onError(reason: String) {}
    }
}
