package io.purse.app.ui

import android.graphics.BitmapFactory
import androidx.compose.foundation.Image
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.AlertDialog
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
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import io.purse.app.viewmodel.ApproveStep
import io.purse.app.viewmodel.DevicesViewModel
import io.purse.app.viewmodel.JoinState
import io.purse.app.viewmodel.JoinViewModel
import io.purse.app.viewmodel.RecoveryCodeState
import io.purse.app.viewmodel.RecoveryCodeViewModel
import io.purse.core.qrPng

/**
 * The recovery code, once: the screen is FLAG_SECURE (no screenshots); the user writes it
 * down, then types it back before it is gone.
 */
@Composable
fun RecoveryCodeScreen(vm: RecoveryCodeViewModel, onDone: () -> Unit) {
    val state by vm.state.collectAsStateWithLifecycle()
    Column(Modifier.fillMaxSize().padding(24.dp), verticalArrangement = Arrangement.spacedBy(16.dp)) {
        Text("Your recovery code", style = MaterialTheme.typography.headlineSmall)
        when (val s = state) {
            is RecoveryCodeState.Showing -> {
                Text("Write it down and keep it away from this phone. With it you can get your wallet back if every phone is lost. Purse shows it only now.")
                s.groups.chunked(4).forEach { row ->
                    Text(row.joinToString("  "), fontFamily = FontFamily.Monospace, style = MaterialTheme.typography.titleLarge)
                }
                Button(onClick = vm::written) { Text("I wrote it down") }
            }
            is RecoveryCodeState.Checking -> {
                var typed by remember { mutableStateOf("") }
                Text("Type the code as you wrote it.")
                OutlinedTextField(typed, { typed = it }, label = { Text("Recovery code") }, singleLine = true)
                s.problem?.let { Text(it, color = MaterialTheme.colorScheme.error) }
                Row(horizontalArrangement = Arrangement.spacedBy(12.dp)) {
                    Button(onClick = { vm.check(typed) }) { Text("Check") }
                    TextButton(onClick = vm::showAgain) { Text("Show the code again") }
                }
            }
            RecoveryCodeState.Saved -> {
                Text("Saved. Keep it safe: anyone with it and a day's time can take over the wallet unless one of your phones stops them.")
                Button(onClick = onDone) { Text("Done") }
            }
        }
    }
}

/** A new phone: pair it from a phone of the wallet, or recover with the code. */
@Composable
fun JoinScreen(vm: JoinViewModel, deviceName: String, onCreated: (String) -> Unit, onJoined: () -> Unit) {
    LaunchedEffect(vm) { vm.resume() }
    val state by vm.state.collectAsStateWithLifecycle()
    Column(Modifier.fillMaxSize().padding(24.dp), verticalArrangement = Arrangement.spacedBy(16.dp)) {
        when (val s = state) {
            JoinState.Choosing -> {
                var name by remember { mutableStateOf("") }
                Text("A new wallet", style = MaterialTheme.typography.headlineSmall)
                OutlinedTextField(name, { name = it }, label = { Text("Your name") }, singleLine = true)
                Button(onClick = { vm.create(name, "CNY", deviceName) }, enabled = name.isNotBlank()) { Text("Create my wallet") }
                Text("Or use an existing wallet", style = MaterialTheme.typography.headlineSmall)
                Button(onClick = { vm.pair(deviceName) }) { Text("Add this phone from my other phone") }
                OutlinedButton(onClick = vm::useRecoveryCode) { Text("I have no other phone: use my recovery code") }
            }
            JoinState.Working -> CircularProgressIndicator()
            is JoinState.ShowingCode -> {
                Text("On your other phone: Devices › Add a device, then scan this.")
                val png = remember(s.offer.qr) { qrPng(s.offer.qr, 8u) }
                val bitmap = remember(png) { BitmapFactory.decodeByteArray(png, 0, png.size).asImageBitmap() }
                Image(bitmap, contentDescription = "pairing code", modifier = Modifier.size(240.dp))
                Text(s.offer.code, fontFamily = FontFamily.Monospace)
                Text("Both phones must show ${s.offer.confirmation.chunked(3).joinToString(" ")}", style = MaterialTheme.typography.titleLarge)
                TextButton(onClick = vm::cancel) { Text("Cancel") }
            }
            is JoinState.TypingCode -> {
                var code by remember { mutableStateOf("") }
                Text("Type your recovery code", style = MaterialTheme.typography.headlineSmall)
                OutlinedTextField(code, { code = it; vm.typed(it) }, label = { Text("XXXX-XXXX-…") }, singleLine = true)
                s.typo?.let { Text(it, color = MaterialTheme.colorScheme.error) }
                Button(onClick = { vm.recover(code, deviceName) }, enabled = s.typo == null && code.isNotBlank()) { Text("Recover") }
            }
            is JoinState.WaitingForCoolOff -> {
                Text("Your wallet's other devices have been told. If none of them stops it, this phone joins at ${java.time.Instant.ofEpochSecond(s.until)}.")
                Text("For a few days after, payments from this phone are limited.")
                TextButton(onClick = vm::cancel) { Text("Give up") }
            }
            is JoinState.Created -> LaunchedEffect(s) { onCreated(s.recoveryCode) }
            is JoinState.Joined -> {
                LaunchedEffect(s) { onJoined() }
                Text("Welcome back, ${s.account.name}.")
            }
            is JoinState.Failed -> {
                Text(s.error.title, style = MaterialTheme.typography.titleMedium)
                Text(s.error.detail)
                Button(onClick = vm::cancel) { Text("Start again") }
            }
        }
    }
}

/** The wallet's devices, adding one from its code, and recoveries to stop. */
@Composable
fun DevicesScreen(vm: DevicesViewModel, onNewRecoveryCode: (String) -> Unit, onBack: () -> Unit) {
    LaunchedEffect(vm) { vm.refresh() }
    val state by vm.state.collectAsStateWithLifecycle()
    state.newRecoveryCode?.let { code -> LaunchedEffect(code) { onNewRecoveryCode(code); vm.recoveryCodeShown() } }
    Column(Modifier.fillMaxSize().padding(24.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
        Text("Devices", style = MaterialTheme.typography.headlineSmall)
        state.error?.let { Text("${it.title}: ${it.detail}", color = MaterialTheme.colorScheme.error) }
        state.recoveries.forEach { r ->
            Text("Someone is recovering this wallet on “${r.deviceName}”. It joins at ${java.time.Instant.ofEpochSecond(r.completesAt)}.", color = MaterialTheme.colorScheme.error)
            Button(onClick = { vm.cancelRecovery(r.recoveryId) }) { Text("This was not me: stop it") }
        }
        LazyColumn(Modifier.weight(1f)) {
            items(state.devices, key = { it.deviceId }) { d ->
                Row(horizontalArrangement = Arrangement.spacedBy(12.dp)) {
                    Text(d.name)
                    Text(if (d.revokedAt != null) "removed" else if (d.restrictedUntil != null) "limited" else "active")
                    if (d.revokedAt == null) TextButton(onClick = { vm.revoke(d.deviceId) }) { Text("Remove") }
                }
            }
        }
        var pairingCode by remember { mutableStateOf("") }
        OutlinedTextField(pairingCode, { pairingCode = it }, label = { Text("The new device's code") }, singleLine = true)
        Row(horizontalArrangement = Arrangement.spacedBy(12.dp)) {
            Button(onClick = { vm.open(pairingCode) }, enabled = pairingCode.isNotBlank()) { Text("Add a device") }
            OutlinedButton(onClick = vm::rotateRecoveryCode) { Text("New recovery code") }
            TextButton(onClick = onBack) { Text("Back") }
        }
    }
    when (val step = state.approving) {
        is ApproveStep.Confirm -> AlertDialog(
            onDismissRequest = vm::reject,
            title = { Text("Add “${step.request.deviceName}”?") },
            text = { Text("Does it show ${step.request.confirmation.chunked(3).joinToString(" ")}? Only add a device you are holding.") },
            confirmButton = { Button(onClick = vm::approve) { Text("Same number: add") } },
            dismissButton = { TextButton(onClick = vm::reject) { Text("Different: cancel") } },
        )
        is ApproveStep.Added -> AlertDialog(
            onDismissRequest = vm::reject,
            title = { Text("Added") },
            text = { Text("“${step.device.name}” is now a device of this wallet.") },
            confirmButton = { Button(onClick = vm::reject) { Text("OK") } },
        )
        ApproveStep.Opening, ApproveStep.Adding -> CircularProgressIndicator()
        null -> {}
    }
}
