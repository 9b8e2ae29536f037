package io.purse.app.viewmodel

import io.purse.core.PurseException
import io.purse.core.WalletInterface
import io.purse.core.checkReference
import io.purse.core.needsBill
import io.purse.core.parseAmount
import io.purse.model.Bill
import io.purse.model.BillOutcome
import io.purse.model.BillPayment
import io.purse.model.BillQuote
import io.purse.model.Biller
import io.purse.model.Money
import io.purse.model.OperatorLookup
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch

/** Where paying one bill (or topping up one phone) is; the screen draws one of these. */
sealed interface BillState {
    /** The reference (or number) field; [fieldError] names what is wrong with it, offline. */
    data class Entering(val biller: Biller?, val fieldError: String? = null) : BillState

    data object Asking : BillState

    /** The operators for a number: [OperatorLookup.suggested] preselected, the user confirms or picks. */
    data class Operators(val lookup: OperatorLookup) : BillState

    /**
     * "Pay [amount] to [Biller.name]?" with the biller's [bill] when it said what is due, and
     * the [quote] (rate, fee, the wallet's debit) when the biller is paid in another currency.
     */
    data class Confirm(
        val biller: Biller,
        val reference: String,
        val amount: Money,
        val bill: Bill? = null,
        val quote: BillQuote? = null,
        val productId: String? = null,
    ) : BillState

    data object Paying : BillState

    /** The backend took it: completed, or pending until the biller answers (its [BillPayment.state]). */
    data class Done(val payment: BillPayment) : BillState

    /** The answer was lost: it settles by itself, never twice. */
    data class Pending(val intentId: String) : BillState

    data class Failed(val error: UiError) : BillState
}

/**
 * Paying a bill by reference or from a scanned QR-bill, and topping up a phone. Every rule
 * (reference, amount, product, quote) is the core's: this only decides what to ask next.
 */
class BillViewModel(
    private val wallet: WalletInterface,
    private val scope: CoroutineScope,
) {
    private val _state = MutableStateFlow<BillState>(BillState.Entering(null))
    val state: StateFlow<BillState> = _state.asStateFlow()

    private val _catalogue = MutableStateFlow<List<Biller>>(emptyList())

    /** The billers to choose from, once loaded. */
    val catalogue: StateFlow<List<Biller>> = _catalogue.asStateFlow()

    fun loadCatalogue() {
        scope.launch {
            try {
                _catalogue.value = wallet.billers(null)
            } catch (e: Exception) {
                _state.value = BillState.Failed(UiError.of(e))
            }
        }
    }

    /** The operators for a mobile number typed with its country code. */
    fun findOperators(number: String) {
        _state.value = BillState.Asking
        scope.launch {
            _state.value = try {
                BillState.Operators(wallet.topupOperators(number))
            } catch (e: Exception) {
                BillState.Failed(UiError.of(e))
            }
        }
    }

    private fun currency(): String = wallet.account()?.currency ?: throw PurseException.NotEnrolled()

    /** Marks the field as the user types: null when the reference meets the biller's rule. */
    fun fieldError(biller: Biller, typed: String): String? = try {
        checkReference(biller, typed)
        null
    } catch (e: PurseException.InvalidBill) {
        e.reason
    }

    /** Fetches what is due when the biller can say, then asks to confirm `amountText` or the amount due. */
    fun start(biller: Biller, typed: String, amountText: String? = null) {
        val reference = try {
            checkReference(biller, typed)
        } catch (e: PurseException.InvalidBill) {
            _state.value = BillState.Entering(biller, e.reason)
            return
        }
        _state.value = BillState.Asking
        scope.launch {
            _state.value = try {
                val bill = if (needsBill(biller, amountText != null)) {
                    wallet.fetchBill(biller, reference)
                } else {
                    null
                }
                val amount = amountText?.let { parseAmount(it.trim(), biller.currency) } ?: bill?.amountDue
                if (amount == null) {
                    BillState.Entering(biller, "This biller cannot say what is due: enter the amount.")
                } else {
                    priced(biller, reference, amount, bill)
                }
            } catch (e: Exception) {
                BillState.Failed(UiError.of(e))
            }
        }
    }

    /** A scanned QR-bill or EPC code: prefilled when its creditor is a registered biller. */
    fun fromScan(payload: String) {
        _state.value = BillState.Asking
        scope.launch {
            _state.value = try {
                val s = wallet.scannedBill(payload)
                val amount = s.amount
                if (amount == null) {
                    BillState.Entering(s.biller, "The bill names no amount: enter it.")
                } else {
                    priced(s.biller, s.reference, amount, null)
                }
            } catch (e: Exception) {
                BillState.Failed(UiError.of(e))
            }
        }
    }

    /** A top-up of `number` with the operator the user confirmed and one of its products. */
    fun topup(operator: Biller, number: String, productId: String, amountText: String? = null) {
        _state.value = BillState.Asking
        scope.launch {
            _state.value = try {
                val amount = amountText?.let { parseAmount(it.trim(), operator.currency) }
                if (operator.currency == currency()) {
                    val price = amount ?: operator.products.firstNotNullOf { p ->
                        (p.price as? io.purse.model.ProductPrice.Fixed)?.takeIf { p.productId == productId }?.amount
                    }
                    BillState.Confirm(operator, number, price, productId = productId)
                } else {
                    val q = wallet.quoteBill(operator, number, productId, amount)
                    BillState.Confirm(operator, number, q.debit, quote = q, productId = productId)
                }
            } catch (e: Exception) {
                BillState.Failed(UiError.of(e))
            }
        }
    }

    private suspend fun priced(biller: Biller, reference: String, amount: Money, bill: Bill?): BillState =
        if (biller.currency == currency()) {
            BillState.Confirm(biller, reference, amount, bill)
        } else {
            val q = wallet.quoteBill(biller, reference, null, amount)
            BillState.Confirm(biller, reference, q.debit, bill, q)
        }

    fun confirm() {
        val c = _state.value as? BillState.Confirm ?: return
        _state.value = BillState.Paying
        scope.launch {
            _state.value = try {
                val o = when {
                    c.quote != null -> wallet.payQuoted(c.biller, c.quote)
                    c.productId != null -> wallet.topupPhone(c.biller, c.reference, c.productId, c.amount)
                    else -> wallet.payBill(c.biller, c.reference, c.amount, c.bill?.amountDue)
                }
                when (o) {
                    is BillOutcome.Completed -> BillState.Done(o.billPayment)
                    is BillOutcome.Pending -> BillState.Pending(o.intentId)
                }
            } catch (e: PurseException.Cancelled) {
                c
            } catch (e: Exception) {
                BillState.Failed(UiError.of(e))
            }
        }
    }

    fun reset() {
        _state.value = BillState.Entering(null)
    }
}
