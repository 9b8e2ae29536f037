package io.purse.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.text.KeyboardOptions
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
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import io.purse.app.viewmodel.SavingsState
import io.purse.app.viewmodel.SavingsViewModel

/**
 * Savings: the balance, yesterday's income and the 7-day yield, each read aloud in words;
 * an amount field with "Move in" and "Move out" (behind the biometric). What a move did
 * ("1,000.00 now, 500.00 on Monday") comes from [SavingsViewModel].
 */
@Composable
fun SavingsScreen(vm: SavingsViewModel, currency: String, onBack: () -> Unit) {
    val state by vm.state.collectAsStateWithLifecycle()
    LaunchedEffect(vm) { vm.load() }
    var amount by remember { mutableStateOf("") }
    Column(
        Modifier.fillMaxSize().padding(24.dp).verticalScroll(rememberScrollState()),
        verticalArrangement = Arrangement.spacedBy(12.dp),
    ) {
        Text("Savings", style = MaterialTheme.typography.titleLarge)
        when (val s = state) {
            SavingsState.Loading, SavingsState.Moving -> CircularProgressIndicator()
            is SavingsState.Shown -> {
                val v = s.view
                Text(
                    v.balance,
                    style = MaterialTheme.typography.displaySmall,
                    modifier = Modifier.semantics { contentDescription = v.balanceSpoken },
                )
                v.notYetEarning?.let { Text("$it earns from tomorrow") }
                Text(
                    "Yesterday's income ${v.yesterdayIncome}",
                    modifier = Modifier.semantics { contentDescription = v.yesterdayIncomeSpoken },
                )
                Text("Total income ${v.totalIncome}")
                Text(
                    v.sevenDayYield?.let { "7-day annualized yield $it" } ?: "7-day yield after seven days",
                    modifier = Modifier.semantics {
                        contentDescription = v.sevenDayYieldSpoken ?: "seven-day yield after seven days"
                    },
                )
                v.lastReturn?.let { Text("$it per 10,000 shares yesterday") }
                Text("Instant redemption left today: ${v.instantLeft}")
                v.redeeming?.let { Text("On its way to your wallet: $it") }
                OutlinedTextField(
                    amount,
                    { amount = it },
                    label = { Text("Amount ($currency)") },
                    singleLine = true,
                    keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Decimal),
                )
                Row(horizontalArrangement = Arrangement.spacedBy(12.dp)) {
                    Button(onClick = { vm.moveIn(amount, currency) }) { Text("Move in") }
                    OutlinedButton(onClick = { vm.moveOut(amount, currency) }) { Text("Move out") }
                }
            }
            is SavingsState.Moved -> {
                Text(s.message, modifier = Modifier.semantics { contentDescription = s.spoken })
                Button(onClick = { amount = ""; vm.load() }) { Text("Done") }
            }
            is SavingsState.Pending -> {
                Text("No answer yet. The move settles by itself and never happens twice.")
                Button(onClick = { vm.load() }) { Text("Back to savings") }
            }
            is SavingsState.Failed -> {
                Text(s.error.title, style = MaterialTheme.typography.titleMedium)
                Text(s.error.detail)
                Button(onClick = { vm.load() }) { Text("Back to savings") }
            }
        }
        TextButton(onClick = onBack) { Text("Back") }
    }
}
