package io.purse.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import io.purse.app.viewmodel.HomeViewModel
import io.purse.app.viewmodel.MoneyText
import io.purse.model.Transaction

@Composable
fun HomeScreen(vm: HomeViewModel, onScan: () -> Unit, onHistory: () -> Unit, onDevices: () -> Unit, onPeople: () -> Unit, onBills: () -> Unit, onSavings: () -> Unit, onPayCode: () -> Unit) {
    DisposableEffect(vm) {
        vm.start()
        onDispose { vm.stop() }
    }
    val state by vm.state.collectAsStateWithLifecycle()
    Column(Modifier.fillMaxSize().padding(24.dp), verticalArrangement = Arrangement.spacedBy(16.dp)) {
        Text("Balance", style = MaterialTheme.typography.labelLarge)
        val balance = state.balance
        Text(
            balance?.let { MoneyText.format(it) } ?: "—",
            style = MaterialTheme.typography.displaySmall,
            modifier = Modifier.semantics { contentDescription = balance?.let { MoneyText.spoken(it) } ?: "balance unknown" },
        )
        state.error?.let { Text("${it.title}: ${it.detail}", color = MaterialTheme.colorScheme.error) }
        state.lastNotice?.takeIf { it.kind == io.purse.model.NoticeKind.RECOVERY_STARTED }?.let {
            Text("Someone is recovering this wallet on “${it.deviceName}”. Open Devices to stop it.", color = MaterialTheme.colorScheme.error)
        }
        Row(horizontalArrangement = Arrangement.spacedBy(12.dp)) {
            Button(onClick = onScan) { Text("Scan to pay") }
            OutlinedButton(onClick = { vm.refresh() }) { Text(if (state.refreshing) "Refreshing…" else "Refresh") }
        }
        Text("Recent", style = MaterialTheme.typography.titleMedium)
        LazyColumn(Modifier.weight(1f)) {
            items(state.recent, key = { it.transactionId }) { TransactionRow(it) }
        }
        OutlinedButton(onClick = onHistory, modifier = Modifier.fillMaxWidth()) { Text("All transactions") }
        OutlinedButton(onClick = onPeople, modifier = Modifier.fillMaxWidth()) { Text("Send, receive, requests") }
        OutlinedButton(onClick = onBills, modifier = Modifier.fillMaxWidth()) { Text("Bills and phone credit") }
        OutlinedButton(onClick = onSavings, modifier = Modifier.fillMaxWidth()) { Text("Savings") }
        OutlinedButton(onClick = onPayCode, modifier = Modifier.fillMaxWidth()) { Text("Pay code") }
        OutlinedButton(onClick = onDevices, modifier = Modifier.fillMaxWidth()) { Text("Devices and recovery") }
    }
}

@Composable
fun TransactionRow(t: Transaction) {
    Row(Modifier.fillMaxWidth().padding(vertical = 8.dp), horizontalArrangement = Arrangement.SpaceBetween) {
        Column {
            Text(t.counterparty, style = MaterialTheme.typography.bodyLarge)
            Text(t.kind.name.lowercase().replace('_', ' '), style = MaterialTheme.typography.bodySmall)
        }
        Text(
            MoneyText.format(t.amount),
            modifier = Modifier.semantics { contentDescription = MoneyText.spokenChange(t.amount) },
        )
    }
}
