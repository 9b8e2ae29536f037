package io.purse.app.ui

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.itemsIndexed
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import io.purse.app.viewmodel.HistoryViewModel

@Composable
fun HistoryScreen(vm: HistoryViewModel, onBack: () -> Unit) {
    val state by vm.state.collectAsStateWithLifecycle()
    Column(Modifier.fillMaxSize().padding(24.dp)) {
        TextButton(onClick = onBack) { Text("Back") }
        Text("History", style = MaterialTheme.typography.headlineSmall)
        LazyColumn {
            itemsIndexed(state.transactions, key = { _, t -> t.transactionId }) { i, t ->
                TransactionRow(t)
                // Near the end: ask for the next page.
                if (i == state.transactions.size - 5) LaunchedEffect(i) { vm.loadMore() }
            }
        }
    }
}
