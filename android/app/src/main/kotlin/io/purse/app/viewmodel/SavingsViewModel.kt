package io.purse.app.viewmodel

import io.purse.core.WalletInterface
import io.purse.core.parseAmount
import io.purse.model.Savings
import io.purse.model.SavingsDirection
import io.purse.model.SavingsMove
import io.purse.model.SavingsMoveState
import io.purse.model.SavingsOutcome
import java.math.BigDecimal
import java.text.NumberFormat
import java.time.LocalDate
import java.time.format.DateTimeFormatter
import java.time.format.FormatStyle
import java.util.Locale
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch

/** Savings as a screen shows them: every figure formatted in the locale and spoken in words. */
data class SavingsView(
    val balance: String,
    val balanceSpoken: String,
    val yesterdayIncome: String,
    val yesterdayIncomeSpoken: String,
    val totalIncome: String,
    /** "1.6638%" in the locale; `null` until the fund has seven days. */
    val sevenDayYield: String?,
    val sevenDayYieldSpoken: String?,
    /** "0.4521" per 10,000 shares, yesterday's. */
    val lastReturn: String?,
    val instantLeft: String,
    /** What came in today and earns from tomorrow, when any. */
    val notYetEarning: String?,
    /** Standard redemptions on their way to the wallet, when any. */
    val redeeming: String?,
    val savings: Savings,
)

sealed interface SavingsState {
    data object Loading : SavingsState
    data class Shown(val view: SavingsView) : SavingsState
    data object Moving : SavingsState

    /** The backend carried it out; [message] says what moved when ("1,000.00 on Monday"). */
    data class Moved(val move: SavingsMove, val message: String, val spoken: String) : SavingsState

    /** The answer was lost: it settles by itself, never twice. */
    data class Pending(val intentId: String) : SavingsState
    data class Failed(val error: UiError) : SavingsState
}

/**
 * The savings screen: the summary, and moving money in or out behind the biometric. The
 * rules (T+1, the instant cap, the yield formula) are the backend's and the core's; this
 * formats and decides what to show next.
 */
class SavingsViewModel(
    private val wallet: WalletInterface,
    private val scope: CoroutineScope,
    private val locale: Locale = Locale.getDefault(),
) {
    private val _state = MutableStateFlow<SavingsState>(SavingsState.Loading)
    val state: StateFlow<SavingsState> = _state.asStateFlow()

    fun load() {
        scope.launch {
            _state.value = try {
                SavingsState.Shown(view(wallet.savings(), locale))
            } catch (e: Exception) {
                SavingsState.Failed(UiError.of(e))
            }
        }
    }

    /** Moves [amountText] (typed in the wallet's currency) into savings. */
    fun moveIn(amountText: String, currency: String) = move(SavingsDirection.IN, amountText, currency)

    /** Moves [amountText] out: at once up to the day's cap, the rest on the next business day. */
    fun moveOut(amountText: String, currency: String) = move(SavingsDirection.OUT, amountText, currency)

    private fun move(direction: SavingsDirection, amountText: String, currency: String) {
        val amount = try {
            parseAmount(amountText.trim(), currency)
        } catch (e: Exception) {
            _state.value = SavingsState.Failed(UiError.of(e))
            return
        }
        _state.value = SavingsState.Moving
        scope.launch {
            _state.value = try {
                when (val o = wallet.moveSavings(direction, amount)) {
                    is SavingsOutcome.Completed -> moved(o.savingsMove, locale)
                    is SavingsOutcome.Pending -> SavingsState.Pending(o.intentId)
                }
            } catch (e: Exception) {
                SavingsState.Failed(UiError.of(e))
            }
        }
    }

    companion object {
        fun view(s: Savings, locale: Locale): SavingsView = SavingsView(
            balance = MoneyText.format(s.balance, locale),
            balanceSpoken = "savings " + MoneyText.spoken(s.balance, locale),
            yesterdayIncome = MoneyText.format(s.yesterdayIncome, locale),
            yesterdayIncomeSpoken = "yesterday's income " + MoneyText.spoken(s.yesterdayIncome, locale),
            totalIncome = MoneyText.format(s.totalIncome, locale),
            sevenDayYield = s.sevenDayYieldPpm?.let { yieldText(it, locale) },
            sevenDayYieldSpoken = s.sevenDayYieldPpm?.let { "seven-day annualized yield ${yieldWords(it)} percent" },
            lastReturn = s.returns.firstOrNull()?.let { decimal(BigDecimal.valueOf(it.per10k, 4), 4, locale) },
            instantLeft = MoneyText.format(s.instantLeft, locale),
            notYetEarning = s.notYetEarning.takeIf { it.minor > 0 }?.let { MoneyText.format(it, locale) },
            redeeming = s.redeeming.takeIf { it.minor > 0 }?.let { MoneyText.format(it, locale) },
            savings = s,
        )

        /** A yield in millionths as a percentage with four decimals: 16638 -> "1.6638%" (en). */
        fun yieldText(ppm: Long, locale: Locale): String =
            NumberFormat.getPercentInstance(locale).apply {
                minimumFractionDigits = 4
                maximumFractionDigits = 4
            }.format(BigDecimal.valueOf(ppm, 6))

        private fun yieldWords(ppm: Long): String = BigDecimal.valueOf(ppm, 4).toPlainString()

        private fun decimal(v: BigDecimal, digits: Int, locale: Locale): String =
            NumberFormat.getNumberInstance(locale).apply {
                minimumFractionDigits = digits
                maximumFractionDigits = digits
            }.format(v)

        fun date(iso: String, locale: Locale): String =
            LocalDate.parse(iso).format(DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM).withLocale(locale))

        fun moved(m: SavingsMove, locale: Locale): SavingsState.Moved {
            val amount = MoneyText.format(m.amount, locale)
            return when {
                m.direction == SavingsDirection.IN -> SavingsState.Moved(
                    m,
                    "$amount moved into savings; it earns from ${m.earnsFrom?.let { date(it, locale) } ?: "tomorrow"}",
                    "moved ${MoneyText.spoken(m.amount, locale)} into savings",
                )
                m.state == SavingsMoveState.PENDING -> {
                    val lands = m.settlesOn?.let { date(it, locale) } ?: "the next business day"
                    SavingsState.Moved(
                        m,
                        "${MoneyText.format(m.instant, locale)} now, ${MoneyText.format(m.standard, locale)} on $lands",
                        "received ${MoneyText.spoken(m.instant, locale)} now, ${MoneyText.spoken(m.standard, locale)} on $lands",
                    )
                }
                else -> SavingsState.Moved(
                    m,
                    "$amount moved to your wallet",
                    "received ${MoneyText.spoken(m.amount, locale)} from savings",
                )
            }
        }
    }
}
