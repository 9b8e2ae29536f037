import Foundation
import PurseCore

/// Money in the user's locale, from integer minor units: never through a Double.
enum MoneyText {
    static func format(_ money: Money, locale: Locale = .current) -> String {
        let value = Decimal(money.minor) / pow(Decimal(10), fractionDigits(money.currency))
        return value.formatted(.currency(code: money.currency).locale(locale))
    }

    private static func fractionDigits(_ code: String) -> Int {
        let f = NumberFormatter()
        f.numberStyle = .currency
        f.currencyCode = code
        return f.maximumFractionDigits
    }
}
