import Foundation
import PurseCore

/// Money in the user's locale, from integer minor units: never through a Double. The digits
/// come from the core's ISO 4217 table (the one that made the minor units), not Foundation's.
enum MoneyText {
    static func format(_ money: Money, locale: Locale = .current) -> String {
        let (value, digits) = decimal(money)
        return value.formatted(.currency(code: money.currency).precision(.fractionLength(digits)).locale(locale))
    }

    /// What VoiceOver reads: "12.34 Chinese Yuan", not "CN¥12.34".
    static func spoken(_ money: Money, locale: Locale = .current) -> String {
        let (value, digits) = decimal(money)
        return words(value, digits, money.currency, locale)
    }

    /// A movement of the balance in words: "sent 19.80 US Dollars", never a bare minus sign.
    static func spokenChange(_ money: Money, locale: Locale = .current) -> String {
        let (value, digits) = decimal(money)
        let size = words(value.magnitude, digits, money.currency, locale)
        return value < 0 ? "sent \(size)" : "received \(size)"
    }

    private static func decimal(_ money: Money) -> (Decimal, Int) {
        let digits = Int((try? currencyDigits(currencyCode: money.currency)) ?? 2)
        return (Decimal(money.minor) / pow(Decimal(10), digits), digits)
    }

    private static func words(_ value: Decimal, _ digits: Int, _ code: String, _ locale: Locale) -> String {
        let name = locale.localizedString(forCurrencyCode: code) ?? code
        return "\(value.formatted(.number.precision(.fractionLength(digits)).locale(locale))) \(name)"
    }
}
