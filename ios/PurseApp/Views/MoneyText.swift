import Foundation
import PurseCore

/// Money in the user's locale, from integer minor units: never through a Double. The digits
/// come from the core's ISO 4217 table (the one that made the minor units), not Foundation's.
enum MoneyText {
    static func format(_ money: Money, locale: Locale = .current) -> String {
        let digits = Int((try? currencyDigits(currencyCode: money.currency)) ?? 2)
        let value = Decimal(money.minor) / pow(Decimal(10), digits)
        return value.formatted(.currency(code: money.currency).precision(.fractionLength(digits)).locale(locale))
    }

    /// What VoiceOver reads: "12.34 Chinese Yuan", not "CN¥12.34".
    static func spoken(_ money: Money, locale: Locale = .current) -> String {
        let digits = Int((try? currencyDigits(currencyCode: money.currency)) ?? 2)
        let value = Decimal(money.minor) / pow(Decimal(10), digits)
        let name = locale.localizedString(forCurrencyCode: money.currency) ?? money.currency
        return "\(value.formatted(.number.precision(.fractionLength(digits)).locale(locale))) \(name)"
    }

    /// A movement of the balance in words: "sent 19.80 US Dollars", never a bare minus sign.
    static func spokenChange(_ money: Money, locale: Locale = .current) -> String {
        let size = spoken(Money(minor: money.minor == .min ? .max : abs(money.minor), currency: money.currency),
                          locale: locale)
        return money.minor < 0 ? "sent \(size)" : "received \(size)"
    }
}
