package io.purse.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import io.purse.app.viewmodel.BillState
import io.purse.app.viewmodel.BillViewModel
import io.purse.app.viewmodel.MoneyText
import io.purse.model.Biller
import io.purse.model.BillerCategory
import io.purse.model.ProductPrice

/**
 * Bills and phone credit: pick a biller, type the reference (marked as it is typed, by the
 * core's rule), see what is due, confirm; or type a number, confirm its operator, pick a
 * product. A scanned QR-bill arrives through [BillViewModel.fromScan] from the scanner.
 */
@Composable
fun BillsScreen(vm: BillViewModel, onBack: () -> Unit) {
    val state by vm.state.collectAsStateWithLifecycle()
    val catalogue by vm.catalogue.collectAsStateWithLifecycle()
    LaunchedEffect(vm) { vm.loadCatalogue() }
    var chosen by remember { mutableStateOf<Biller?>(null) }
    var reference by remember { mutableStateOf("") }
    var amount by remember { mutableStateOf("") }
    var number by remember { mutableStateOf("") }
    Column(
        Modifier.fillMaxSize().padding(24.dp).verticalScroll(rememberScrollState()),
        verticalArrangement = Arrangement.spacedBy(12.dp),
    ) {
        Text("Bills and phone credit", style = MaterialTheme.typography.titleLarge)
        when (val s = state) {
            is BillState.Entering -> {
                val biller = chosen
                if (biller == null) {
                    catalogue.filter { it.category != BillerCategory.PREPAID_MOBILE }.forEach { b ->
                        OutlinedButton(onClick = { chosen = b }) { Text("${b.name} · ${b.category.name.lowercase()}") }
                    }
                    OutlinedTextField(number, { number = it }, label = { Text("Mobile number, with its country code") }, singleLine = true)
                    Button(onClick = { vm.findOperators(number) }) { Text("Top up") }
                } else {
                    Text(biller.name)
                    OutlinedTextField(
                        reference,
                        { reference = it },
                        label = { Text(biller.reference.label) },
                        isError = reference.isNotEmpty() && vm.fieldError(biller, reference) != null,
                        supportingText = { (if (reference.isEmpty()) null else vm.fieldError(biller, reference))?.let { Text(it) } },
                        singleLine = true,
                    )
                    OutlinedTextField(amount, { amount = it }, label = { Text("Amount (empty: what is due)") }, singleLine = true)
                    s.fieldError?.let { Text(it, color = MaterialTheme.colorScheme.error) }
                    Button(onClick = { vm.start(biller, reference, amount.ifBlank { null }) }) { Text("Next") }
                    TextButton(onClick = { chosen = null }) { Text("Other biller") }
                }
            }
            BillState.Asking, BillState.Paying -> CircularProgressIndicator()
            is BillState.Operators -> {
                Text("Operators for ${s.lookup.number}: numbers move between operators, so check yours.")
                s.lookup.operators.forEach { op ->
                    val suggested = if (op.billerId == s.lookup.suggested) " (suggested)" else ""
                    Text(op.name + suggested, style = MaterialTheme.typography.titleMedium)
                    op.products.forEach { p ->
                        when (val price = p.price) {
                            is ProductPrice.Fixed -> OutlinedButton(onClick = { vm.topup(op, s.lookup.number, p.productId) }) {
                                Text("${p.name}: ${MoneyText.format(price.amount)}")
                            }
                            is ProductPrice.Range -> Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                                OutlinedTextField(amount, { amount = it }, label = { Text("${MoneyText.format(price.min)} to ${MoneyText.format(price.max)}") }, singleLine = true)
                                OutlinedButton(onClick = { vm.topup(op, s.lookup.number, p.productId, amount) }) { Text("Top up") }
                            }
                        }
                    }
                }
                TextButton(onClick = vm::reset) { Text("Cancel") }
            }
            is BillState.Confirm -> {
                s.bill?.let { Text("Bill ${it.billNumber} for ${it.customerName}: ${MoneyText.format(it.amountDue)} due ${it.dueDate}") }
                s.quote?.let {
                    Text("${s.biller.name} is paid ${MoneyText.format(it.billerAmount)}; you pay ${MoneyText.format(it.debit)} (fee ${MoneyText.format(it.fee)}).")
                }
                Text("Pay ${MoneyText.format(s.amount)} to ${s.biller.name} for ${s.reference}?")
                Row(horizontalArrangement = Arrangement.spacedBy(12.dp)) {
                    Button(onClick = vm::confirm) { Text("Pay") }
                    TextButton(onClick = vm::reset) { Text("Cancel") }
                }
            }
            is BillState.Done -> {
                val p = s.payment
                val how = p.confirmation?.let { "Confirmation $it." } ?: "The biller confirms it shortly."
                Text("Paid ${MoneyText.format(p.amount)} to ${p.billerName}. $how Balance ${MoneyText.format(p.balance)}.")
                TextButton(onClick = { chosen = null; vm.reset() }) { Text("Done") }
            }
            is BillState.Pending -> Text("No answer yet: the payment will settle by itself. It is not failed.")
            is BillState.Failed -> {
                Text("${s.error.title}: ${s.error.detail}", color = MaterialTheme.colorScheme.error)
                TextButton(onClick = vm::reset) { Text("Back") }
            }
        }
        TextButton(onClick = onBack) { Text("Back") }
    }
}
