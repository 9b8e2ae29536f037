package io.purse.app.viewmodel

import io.purse.core.Money
import java.math.BigDecimal
import java.text.NumberFormat
import java.util.Currency
import java.util.Locale

/**
 * Money on screen, in the user's locale: the core hands integer minor units and an ISO 4217
 * code; the digits after the point come from the currency, never from a float.
 */
object MoneyText {
    fun format(money: Money, locale: Locale = Locale.getDefault()): String {
        val currency = Currency.getInstance(money.currency)
        val digits = currency.defaultFractionDigits.coerceAtLeast(0)
        val f = NumberFormat.getCurrencyInstance(locale).apply {
            this.currency = currency
            minimumFractionDigits = digits
            maximumFractionDigits = digits
        }
        return f.format(BigDecimal.valueOf(money.minor, digits))
    }

    /** What a screen reader says: "12.34 Chinese Yuan", never "CN¥12.34". */
    fun spoken(money: Money, locale: Locale = Locale.getDefault()): String {
        val currency = Currency.getInstance(money.currency)
        val digits = currency.defaultFractionDigits.coerceAtLeast(0)
        return "${BigDecimal.valueOf(money.minor, digits).toPlainString()} ${currency.getDisplayName(locale)}"
    }
}
