import Foundation
import PurseCore

/// Paying a bill by reference or from a scanned QR-bill, and topping up a phone; the same
/// decisions as Android's `BillViewModel`. Every rule is the core's.
@MainActor
final class BillViewModel: ObservableObject {
    enum State: Equatable {
        case entering(biller: Biller?, fieldError: String?)
        case asking
        case operators(OperatorLookup)
        case confirm(biller: Biller, reference: String, amount: Money, bill: Bill?, quote: BillQuote?, productId: String?)
        case paying
        case done(BillPayment)
        case pending(intentId: String)
        case failed(UiError)
    }

    @Published private(set) var state: State = .entering(biller: nil, fieldError: nil)
    /// The billers to choose from, once loaded.
    @Published private(set) var catalogue: [Biller] = []
    private let wallet: WalletProtocol

    init(wallet: WalletProtocol) { self.wallet = wallet }

    private func currency() throws -> String {
        guard let a = try wallet.account() else { throw PurseError.NotEnrolled }
        return a.currency
    }

    func loadCatalogue() {
        Task {
            do { catalogue = try await wallet.billers(category: nil) } catch { state = .failed(UiError.of(error)) }
        }
    }

    /// The operators for a mobile number typed with its country code.
    func findOperators(number: String) {
        state = .asking
        Task {
            do { state = .operators(try await wallet.topupOperators(number: number)) } catch { state = .failed(UiError.of(error)) }
        }
    }

    /// Marks the field as the user types: nil when the reference meets the biller's rule.
    func fieldError(biller: Biller, typed: String) -> String? {
        do {
            _ = try checkReference(biller: biller, typed: typed)
            return nil
        } catch let PurseError.InvalidBill(_, reason) {
            return reason
        } catch {
            return UiError.of(error).detail
        }
    }

    func start(biller: Biller, typed: String, amountText: String? = nil) {
        let reference: String
        do {
            reference = try checkReference(biller: biller, typed: typed)
        } catch {
            state = .entering(biller: biller, fieldError: UiError.of(error).detail)
            return
        }
        state = .asking
        Task {
            do {
                var bill: Bill? = nil
                if needsBill(biller: biller, amountGiven: amountText != nil) {
                    bill = try await wallet.fetchBill(biller: biller, reference: reference)
                }
                let typedAmount = try amountText.map {
                    try parseAmount(amount: $0.trimmingCharacters(in: .whitespaces), currencyCode: biller.currency)
                }
                guard let amount = typedAmount ?? bill?.amountDue else {
                    state = .entering(biller: biller, fieldError: "This biller cannot say what is due: enter the amount.")
                    return
                }
                state = try await priced(biller: biller, reference: reference, amount: amount, bill: bill)
            } catch {
                state = .failed(UiError.of(error))
            }
        }
    }

    func fromScan(payload: String) {
        state = .asking
        Task {
            do {
                let s = try await wallet.scannedBill(payload: payload)
                guard let amount = s.amount else {
                    state = .entering(biller: s.biller, fieldError: "The bill names no amount: enter it.")
                    return
                }
                state = try await priced(biller: s.biller, reference: s.reference, amount: amount, bill: nil)
            } catch {
                state = .failed(UiError.of(error))
            }
        }
    }

    func topup(carrier op: Biller, number: String, productId: String, amountText: String? = nil) {
        state = .asking
        Task {
            do {
                let amount = try amountText.map {
                    try parseAmount(amount: $0.trimmingCharacters(in: .whitespaces), currencyCode: op.currency)
                }
                if op.currency == (try currency()) {
                    let fixed = op.products.compactMap { p -> Money? in
                        if case let .fixed(price) = p.price, p.productId == productId { return price }
                        return nil
                    }.first
                    guard let price = amount ?? fixed else {
                        state = .entering(biller: op, fieldError: "Enter the amount.")
                        return
                    }
                    state = .confirm(biller: op, reference: number, amount: price, bill: nil, quote: nil, productId: productId)
                } else {
                    let q = try await wallet.quoteBill(biller: op, reference: number, productId: productId, amount: amount)
                    state = .confirm(biller: op, reference: number, amount: q.debit, bill: nil, quote: q, productId: productId)
                }
            } catch {
                state = .failed(UiError.of(error))
            }
        }
    }

    private func priced(biller: Biller, reference: String, amount: Money, bill: Bill?) async throws -> State {
        if biller.currency == (try currency()) {
            return .confirm(biller: biller, reference: reference, amount: amount, bill: bill, quote: nil, productId: nil)
        }
        let q = try await wallet.quoteBill(biller: biller, reference: reference, productId: nil, amount: amount)
        return .confirm(biller: biller, reference: reference, amount: q.debit, bill: bill, quote: q, productId: nil)
    }

    func confirm() {
        guard case let .confirm(biller, reference, amount, bill, quote, productId) = state else { return }
        let shown = state
        state = .paying
        Task {
            do {
                let outcome: BillOutcome
                if let quote {
                    outcome = try await wallet.payQuoted(biller: biller, quote: quote)
                } else if let productId {
                    outcome = try await wallet.topupPhone(carrier: biller, number: reference, productId: productId, amount: amount)
                } else {
                    outcome = try await wallet.payBill(biller: biller, reference: reference, amount: amount, due: bill?.amountDue)
                }
                switch outcome {
                case let .completed(payment): state = .done(payment)
                case let .pending(intentId): state = .pending(intentId: intentId)
                }
            } catch PurseError.Cancelled {
                state = shown
            } catch {
                state = .failed(UiError.of(error))
            }
        }
    }

    func reset() { state = .entering(biller: nil, fieldError: nil) }
}
