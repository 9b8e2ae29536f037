import Foundation
import PurseCore

/// The savings screen: the summary and moving money in or out behind Face ID / Touch ID;
/// the same decisions as Android's `SavingsViewModel`. The rules (T+1, the instant cap, the
/// yield formula) are the backend's and the core's; this formats them in the locale.
@MainActor
final class SavingsViewModel: ObservableObject {
    struct View: Equatable {
        let balance: String
        let balanceSpoken: String
        let yesterdayIncome: String
        let yesterdayIncomeSpoken: String
        let totalIncome: String
        /// "1.6638%" in the locale; nil until the fund has seven days.
        let sevenDayYield: String?
        let sevenDayYieldSpoken: String?
        /// "0.4521" per 10,000 shares, yesterday's.
        let lastReturn: String?
        let instantLeft: String
        let notYetEarning: String?
        let redeeming: String?
    }

    enum State: Equatable {
        case loading
        case shown(View)
        case moving
        /// What moved when ("1,000.00 now, 500.00 on Monday"), and in words.
        case moved(SavingsMove, message: String, spoken: String)
        case pending(intentId: String)
        case failed(UiError)
    }

    @Published private(set) var state: State = .loading
    private let wallet: WalletProtocol
    private let locale: Locale

    init(wallet: WalletProtocol, locale: Locale = .current) {
        self.wallet = wallet
        self.locale = locale
    }

    func load() {
        Task {
            do { state = .shown(Self.view(try await wallet.savings(), locale: locale)) } catch { state = .failed(UiError.of(error)) }
        }
    }

    func moveIn(amountText: String, currency: String) { move(.in, amountText, currency) }

    /// At once up to the day's instant cap, the rest on the next business day.
    func moveOut(amountText: String, currency: String) { move(.out, amountText, currency) }

    private func move(_ direction: SavingsDirection, _ amountText: String, _ currency: String) {
        let amount: Money
        do {
            amount = try parseAmount(amount: amountText.trimmingCharacters(in: .whitespaces), currencyCode: currency)
        } catch {
            state = .failed(UiError.of(error))
            return
        }
        state = .moving
        Task {
            do {
                switch try await wallet.moveSavings(direction: direction, amount: amount) {
                case .completed(let m): state = Self.moved(m, locale: locale)
                case .pending(let id): state = .pending(intentId: id)
                }
            } catch {
                state = .failed(UiError.of(error))
            }
        }
    }

    static func view(_ s: Savings, locale: Locale) -> View {
        View(
            balance: MoneyText.format(s.balance, locale: locale),
            balanceSpoken: "savings " + MoneyText.spoken(s.balance, locale: locale),
            yesterdayIncome: MoneyText.format(s.yesterdayIncome, locale: locale),
            yesterdayIncomeSpoken: "yesterday's income " + MoneyText.spoken(s.yesterdayIncome, locale: locale),
            totalIncome: MoneyText.format(s.totalIncome, locale: locale),
            sevenDayYield: s.sevenDayYieldPpm.map { yieldText($0, locale: locale) },
            sevenDayYieldSpoken: s.sevenDayYieldPpm.map { "seven-day annualized yield \(Decimal($0) / 10_000) percent" },
            lastReturn: s.returns.first.map {
                (Decimal($0.per10k) / 10_000).formatted(.number.precision(.fractionLength(4)).locale(locale))
            },
            instantLeft: MoneyText.format(s.instantLeft, locale: locale),
            notYetEarning: s.notYetEarning.minor > 0 ? MoneyText.format(s.notYetEarning, locale: locale) : nil,
            redeeming: s.redeeming.minor > 0 ? MoneyText.format(s.redeeming, locale: locale) : nil
        )
    }

    /// A yield in millionths as a percentage with four decimals: 16638 -> "1.6638%" (en).
    static func yieldText(_ ppm: Int64, locale: Locale) -> String {
        (Decimal(ppm) / 1_000_000).formatted(.percent.precision(.fractionLength(4)).locale(locale))
    }

    static func date(_ iso: String, locale: Locale) -> String {
        let parser = DateFormatter()
        parser.locale = Locale(identifier: "en_US_POSIX")
        parser.timeZone = TimeZone(identifier: "UTC")
        parser.dateFormat = "yyyy-MM-dd"
        guard let d = parser.date(from: iso) else { return iso }
        return d.formatted(.dateTime.day().month().year().locale(locale))
    }

    static func moved(_ m: SavingsMove, locale: Locale) -> State {
        let amount = MoneyText.format(m.amount, locale: locale)
        switch (m.direction, m.state) {
        case (.in, _):
            let from = m.earnsFrom.map { date($0, locale: locale) } ?? "tomorrow"
            return .moved(m, message: "\(amount) moved into savings; it earns from \(from)",
                          spoken: "moved \(MoneyText.spoken(m.amount, locale: locale)) into savings")
        case (.out, .pending):
            let lands = m.settlesOn.map { date($0, locale: locale) } ?? "the next business day"
            return .moved(m,
                          message: "\(MoneyText.format(m.instant, locale: locale)) now, \(MoneyText.format(m.standard, locale: locale)) on \(lands)",
                          spoken: "received \(MoneyText.spoken(m.instant, locale: locale)) now, \(MoneyText.spoken(m.standard, locale: locale)) on \(lands)")
        case (.out, _):
            return .moved(m, message: "\(amount) moved to your wallet",
                          spoken: "received \(MoneyText.spoken(m.amount, locale: locale)) from savings")
        }
    }
}
