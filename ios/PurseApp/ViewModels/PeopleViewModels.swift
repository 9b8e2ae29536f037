import Foundation
import PurseCore

/// Sending money to a person; the same decisions as Android's `SendViewModel`.
@MainActor
final class SendViewModel: ObservableObject {
    enum State: Equatable {
        case entering(notice: String?)
        case finding
        case confirm(Recipient, Money, note: String, warning: String?)
        case sending
        case done(Transfer)
        case pending(intentId: String)
        case failed(UiError)
    }

    @Published private(set) var state: State = .entering(notice: nil)
    private let wallet: WalletProtocol

    init(wallet: WalletProtocol) { self.wallet = wallet }

    private func currency() throws -> String {
        guard let a = try wallet.account() else { throw PurseError.NotEnrolled }
        return a.currency
    }

    func find(query: String, amountText: String, note: String) {
        let amount: Money
        do {
            amount = try parseAmount(amount: amountText.trimmingCharacters(in: .whitespaces), currencyCode: currency())
        } catch {
            state = .entering(notice: UiError.of(error).detail)
            return
        }
        state = .finding
        Task {
            do {
                state = .confirm(try await wallet.findRecipient(query: query), amount, note: note, warning: nil)
            } catch {
                let e = UiError.of(error)
                state = .entering(notice: "\(e.title): \(e.detail)")
            }
        }
    }

    func fromCode(payload: String) {
        state = .finding
        Task {
            do {
                let q = try await wallet.resolvePerson(payload: payload)
                guard let amount = q.claimedAmount else {
                    state = .entering(notice: "This code asks for no amount: type one.")
                    return
                }
                let warning = q.nameMismatch
                    ? "The code calls itself “\(q.claimedName ?? "")”; you would pay \(q.recipient.maskedName)." : nil
                state = .confirm(q.recipient, amount, note: q.note ?? "", warning: warning)
            } catch {
                state = .failed(UiError.of(error))
            }
        }
    }

    func confirm() {
        guard case let .confirm(recipient, amount, note, _) = state else { return }
        let back = state
        state = .sending
        Task {
            do {
                switch try await wallet.send(recipient: recipient, amount: amount, note: note) {
                case let .completed(transfer): state = .done(transfer)
                case let .pending(intentId): state = .pending(intentId: intentId)
                }
            } catch PurseError.Cancelled {
                state = back
            } catch {
                state = .failed(UiError.of(error))
            }
        }
    }

    func reset() { state = .entering(notice: nil) }
}

/// The account's receive code; the same decisions as Android's `ReceiveViewModel`.
@MainActor
final class ReceiveViewModel: ObservableObject {
    @Published private(set) var payload: String?
    @Published private(set) var error: UiError?
    private let wallet: WalletProtocol

    init(wallet: WalletProtocol) { self.wallet = wallet }

    func show(amountText: String? = nil, note: String? = nil) {
        Task {
            do {
                var amount: Money?
                if let text = amountText, !text.isEmpty, let a = try wallet.account() {
                    amount = try parseAmount(amount: text, currencyCode: a.currency)
                }
                payload = try await wallet.receiveCode(amount: amount, note: note).payload
                error = nil
            } catch {
                self.error = UiError.of(error)
            }
        }
    }

    func rotate() {
        Task {
            do {
                payload = try await wallet.rotateReceiveCode().payload
            } catch {
                self.error = UiError.of(error)
            }
        }
    }
}

/// The requests inbox and asking for money; the same decisions as Android's
/// `RequestsViewModel`.
@MainActor
final class RequestsViewModel: ObservableObject {
    @Published private(set) var inbox: [MoneyRequest] = []
    @Published private(set) var sent: [MoneyRequest] = []
    @Published private(set) var paying: String?
    @Published private(set) var error: UiError?
    private let wallet: WalletProtocol

    init(wallet: WalletProtocol) { self.wallet = wallet }

    private func act(_ work: @escaping () async throws -> Void) {
        Task {
            do {
                try await work()
                inbox = try await wallet.requests(incoming: true)
                sent = try await wallet.requests(incoming: false)
                error = nil
            } catch {
                self.error = UiError.of(error)
            }
            paying = nil
        }
    }

    func refresh() { act {} }

    func pay(_ request: MoneyRequest) {
        paying = request.requestId
        act { [wallet] in _ = try await wallet.payRequest(request: request) }
    }

    func decline(_ requestId: String) { act { [wallet] in _ = try await wallet.declineRequest(requestId: requestId) } }

    func cancel(_ requestId: String) { act { [wallet] in _ = try await wallet.cancelRequest(requestId: requestId) } }

    func ask(query: String, amountText: String, note: String) {
        act { [wallet] in
            guard let a = try wallet.account() else { throw PurseError.NotEnrolled }
            let amount = try parseAmount(amount: amountText, currencyCode: a.currency)
            _ = try await wallet.requestMoney(payer: try await wallet.findRecipient(query: query), amount: amount, note: note)
        }
    }
}
