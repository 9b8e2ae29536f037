package io.purse.app.ui

import android.app.Activity
import android.graphics.BitmapFactory
import android.view.WindowManager
import androidx.compose.foundation.Image
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.material3.Button
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.remember
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.asImageBitmap
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.semantics.clearAndSetSemantics
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import io.purse.app.viewmodel.PayCodeState
import io.purse.app.viewmodel.PayCodeView
import io.purse.app.viewmodel.PayCodeViewModel
import io.purse.core.qrPng

/**
 * The pay code for the till: full brightness while it shows (a scanner reads a bright
 * screen), screenshots blocked (the activity sets `FLAG_SECURE` for this screen), a new code
 * each step and at once after a payment. The QR and the digits are hidden from screen
 * readers, which read the view-model's words instead: a code read aloud is a code given away.
 */
@Composable
fun PayCodeScreen(vm: PayCodeViewModel, onBack: () -> Unit) {
    val state by vm.state.collectAsStateWithLifecycle()
    val activity = LocalContext.current as? Activity
    DisposableEffect(vm) {
        val window = activity?.window
        val before = window?.attributes?.screenBrightness
        window?.attributes = window?.attributes?.apply {
            screenBrightness = WindowManager.LayoutParams.BRIGHTNESS_OVERRIDE_FULL
        }
        vm.start()
        onDispose {
            vm.stop()
            window?.attributes = window?.attributes?.apply {
                screenBrightness = before ?: WindowManager.LayoutParams.BRIGHTNESS_OVERRIDE_NONE
            }
        }
    }
    Column(
        Modifier.fillMaxSize().padding(24.dp),
        verticalArrangement = Arrangement.spacedBy(16.dp),
        horizontalAlignment = Alignment.CenterHorizontally,
    ) {
        Text("Pay code", style = MaterialTheme.typography.titleLarge)
        when (val s = state) {
            PayCodeState.Loading, PayCodeState.Confirming -> CircularProgressIndicator()
            is PayCodeState.Showing -> Code(s.code)
            is PayCodeState.Asking -> {
                Text(
                    s.charge.question,
                    style = MaterialTheme.typography.headlineSmall,
                    modifier = Modifier.semantics { contentDescription = s.charge.spoken },
                )
                Row(horizontalArrangement = Arrangement.spacedBy(12.dp)) {
                    Button(onClick = { vm.confirm(s.charge.chargeId) }) { Text("Pay") }
                    OutlinedButton(onClick = { vm.decline(s.charge.chargeId) }) { Text("Decline") }
                }
            }
            is PayCodeState.Answered -> {
                Text(s.message, style = MaterialTheme.typography.headlineSmall)
                Button(onClick = vm::dismiss) { Text("Show my code") }
            }
            is PayCodeState.Failed -> {
                Text("${s.error.title}: ${s.error.detail}", color = MaterialTheme.colorScheme.error)
                if (s.error.canRetry) Button(onClick = vm::start) { Text("Try again") }
            }
        }
        TextButton(onClick = onBack) { Text("Done") }
    }
}

@Composable
private fun Code(code: PayCodeView) {
    val png = remember(code.qrText) { qrPng(code.qrText, 8u) }
    val bitmap = remember(png) { BitmapFactory.decodeByteArray(png, 0, png.size).asImageBitmap() }
    Column(
        horizontalAlignment = Alignment.CenterHorizontally,
        verticalArrangement = Arrangement.spacedBy(12.dp),
        modifier = Modifier.semantics(mergeDescendants = true) { contentDescription = code.spoken },
    ) {
        Image(bitmap, contentDescription = null, modifier = Modifier.size(260.dp).clearAndSetSemantics {})
        Text(
            code.digits,
            fontFamily = FontFamily.Monospace,
            style = MaterialTheme.typography.titleLarge,
            modifier = Modifier.clearAndSetSemantics {},
        )
    }
    Text("A new code in ${code.secondsLeft} s. ${code.offlineUntil}")
}
