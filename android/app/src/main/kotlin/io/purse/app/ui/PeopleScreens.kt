package io.purse.app.ui

import android.graphics.BitmapFactory
import androidx.compose.foundation.Image
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
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
import androidx.compose.ui.graphics.asImageBitmap
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import io.purse.app.viewmodel.MoneyText
import io.purse.app.viewmodel.ReceiveViewModel
import io.purse.app.viewmodel.RequestsViewModel
import io.purse.app.viewmodel.SendState
import io.purse.app.viewmodel.SendViewModel
import io.purse.core.qrPng
import io.purse.model.RequestState

/** Send to a person, show this account's receive code, and the requests inbox. */
@Composable
fun PeopleScreen(send: SendViewModel, receive: ReceiveViewModel, requests: RequestsViewModel, onBack: () -> Unit) {
    LaunchedEffect(requests) { requests.refresh() }
    Column(Modifier.fillMaxSize().padding(24.dp).verticalScroll(rememberScrollState()), verticalArrangement = Arrangement.spacedBy(16.dp)) {
        SendSection(send)
        ReceiveSection(receive)
        RequestsSection(requests)
        TextButton(onClick = onBack) { Text("Back") }
    }
}

@Composable
private fun SendSection(vm: SendViewModel) {
    val state by vm.state.collectAsStateWithLifecycle()
    var to by remember { mutableStateOf("") }
    var amount by remember { mutableStateOf("") }
    var note by remember { mutableStateOf("") }
    Text("Send", style = MaterialTheme.typography.titleLarge)
    when (val s = state) {
        is SendState.Entering -> {
            OutlinedTextField(to, { to = it }, label = { Text("\$handle, phone or email") }, singleLine = true)
            OutlinedTextField(amount, { amount = it }, label = { Text("Amount") }, singleLine = true)
            OutlinedTextField(note, { note = it }, label = { Text("Note (140 characters)") })
            s.notice?.let { Text(it, color = MaterialTheme.colorScheme.error) }
            Button(onClick = { vm.find(to, amount, note) }) { Text("Next") }
        }
        SendState.Finding, SendState.Sending -> CircularProgressIndicator()
        is SendState.Confirm -> {
            Text("Send ${MoneyText.format(s.amount)} to ${s.recipient.maskedName} ${s.recipient.handle ?: ""}?")
            s.warning?.let { Text(it, color = MaterialTheme.colorScheme.error) }
            Row(horizontalArrangement = Arrangement.spacedBy(12.dp)) {
                Button(onClick = vm::confirm) { Text("Send") }
                TextButton(onClick = vm::reset) { Text("Cancel") }
            }
        }
        is SendState.Done -> {
            Text("Sent ${MoneyText.format(s.transfer.amount)}. Balance ${MoneyText.format(s.transfer.balance)}.")
            TextButton(onClick = vm::reset) { Text("Send more") }
        }
        is SendState.Pending -> Text("No answer yet: the transfer will settle by itself. It is not failed.")
        is SendState.Failed -> {
            Text("${s.error.title}: ${s.error.detail}", color = MaterialTheme.colorScheme.error)
            TextButton(onClick = vm::reset) { Text("Try again") }
        }
    }
}

@Composable
private fun ReceiveSection(vm: ReceiveViewModel) {
    val state by vm.state.collectAsStateWithLifecycle()
    var amount by remember { mutableStateOf("") }
    Text("Receive", style = MaterialTheme.typography.titleLarge)
    OutlinedTextField(amount, { amount = it }, label = { Text("Ask for an amount (optional)") }, singleLine = true)
    Row(horizontalArrangement = Arrangement.spacedBy(12.dp)) {
        Button(onClick = { vm.show(amount) }) { Text("Show my code") }
        OutlinedButton(onClick = vm::rotate) { Text("New code") }
    }
    state.payload?.let { payload ->
        val png = remember(payload) { qrPng(payload, 8u) }
        val bitmap = remember(png) { BitmapFactory.decodeByteArray(png, 0, png.size).asImageBitmap() }
        Image(bitmap, contentDescription = "my receive code", modifier = Modifier.size(240.dp))
    }
    state.error?.let { Text("${it.title}: ${it.detail}", color = MaterialTheme.colorScheme.error) }
}

@Composable
private fun RequestsSection(vm: RequestsViewModel) {
    val state by vm.state.collectAsStateWithLifecycle()
    Text("Requests", style = MaterialTheme.typography.titleLarge)
    state.error?.let { Text("${it.title}: ${it.detail}", color = MaterialTheme.colorScheme.error) }
    state.inbox.filter { it.state == RequestState.OPEN }.forEach { r ->
        Text("${r.requester.maskedName} ${r.requester.handle ?: ""} asks ${MoneyText.format(r.amount)}: ${r.note}")
        Row(horizontalArrangement = Arrangement.spacedBy(12.dp)) {
            Button(onClick = { vm.pay(r) }, enabled = state.paying == null) { Text(if (state.paying == r.requestId) "Paying…" else "Pay") }
            TextButton(onClick = { vm.decline(r.requestId) }) { Text("Decline") }
        }
    }
    state.sent.filter { it.state == RequestState.OPEN }.forEach { r ->
        Row(horizontalArrangement = Arrangement.spacedBy(12.dp)) {
            Text("You asked ${r.payer.maskedName} for ${MoneyText.format(r.amount)}")
            TextButton(onClick = { vm.cancel(r.requestId) }) { Text("Cancel") }
        }
    }
}
