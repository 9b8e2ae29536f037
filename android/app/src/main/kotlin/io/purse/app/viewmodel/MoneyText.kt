package io.purse.app.viewmodel

import io.purse.core.currencyDigits
import io.purse.model.Money
import java.math.BigDecimal
import java.text.NumberFormat
import java.util.Currency
import java.util.Locale

/**
 * Money on screen, in the user's locale: the core hands integer minor units and an ISO 4217
 * code; the digits after the point come from the core's table (the one that made the minor
 * units), never from a float or from the JDK's table, which may lag behind ISO (Java 17
 * does not know UYW, for one) and must not decide where the point goes.
 */
object MoneyText {
    fun format(money: Money, locale: Locale = Locale.getDefault()): String {
        val digits = currencyDigits(money.currency).toInt()
        val value = BigDecimal.valueOf(money.minor, digits)
        val currency = platformCurrency(money.currency)
            ?: return "${plain(value, digits, locale)} ${money.currency}"
        val f = NumberFormat.getCurrencyInstance(locale).apply {
            this.currency = currency
            minimumFractionDigits = digits
            maximumFractionDigits = digits
        }
        return f.format(value)
    }

    /** What a screen reader says: "12.34 Chinese Yuan", never "CN¥12.34". */
    fun spoken(money: Money, locale: Locale = Locale.getDefault()): String =
        words(BigDecimal.valueOf(money.minor, currencyDigits(money.currency).toInt()), money.currency, locale)

    /**
     * A movement of the balance in words: "sent 19.80 US Dollar", "received 5.00 Chinese
     * Yuan". A screen reader would read a bare minus sign as "minus" or skip it.
     */
    fun spokenChange(money: Money, locale: Locale = Locale.getDefault()): String {
        val value = BigDecimal.valueOf(money.minor, currencyDigits(money.currency).toInt())
        val size = words(value.abs(), money.currency, locale)
        return if (value.signum() < 0) "sent $size" else "received $size"
    }

    private fun words(value: BigDecimal, code: String, locale: Locale): String {
        val name = platformCurrency(code)?.getDisplayName(locale) ?: code
        return "${value.toPlainString()} $name"
    }

    private fun platformCurrency(code: String): Currency? =
        try {
            Currency.getInstance(code)
        } catch (e: IllegalArgumentException) {
            null
        }

    private fun plain(value: BigDecimal, digits: Int, locale: Locale): String =
        NumberFormat.getNumberInstance(locale).apply {
            minimumFractionDigits = digits
            maximumFractionDigits = digits
        }.format(value)
}
