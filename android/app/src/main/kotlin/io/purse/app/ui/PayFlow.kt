package io.purse.app.ui

import android.view.HapticFeedbackConstants
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.PickVisualMediaRequest
import androidx.activity.result.contract.ActivityResultContracts
import androidx.camera.core.Camera
import androidx.camera.core.CameraSelector
import androidx.camera.core.ImageAnalysis
import androidx.camera.core.Preview
import androidx.camera.lifecycle.ProcessCameraProvider
import androidx.camera.view.PreviewView
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.ModalBottomSheet
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.unit.dp
import androidx.compose.ui.viewinterop.AndroidView
import androidx.core.content.ContextCompat
import androidx.lifecycle.compose.LocalLifecycleOwner
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import io.purse.app.platform.LumaAnalyzer
import io.purse.app.viewmodel.MoneyText
import io.purse.app.viewmodel.PayState
import io.purse.app.viewmodel.PayViewModel
import java.util.concurrent.Executors
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext

/** Scanner, confirm sheet and result: draws [PayViewModel.state], forwards taps and frames. */
@Composable
fun PayFlow(vm: PayViewModel, onClose: () -> Unit) {
    val state by vm.state.collectAsStateWithLifecycle()
    when (val s = state) {
        PayState.Scanning -> Scanner(vm, onClose)
        PayState.Resolving -> Busy("Looking up the merchant…")
        is PayState.Confirm -> ConfirmSheet(s, onPay = vm::confirm, onCancel = vm::scanAgain)
        is PayState.Paying -> Busy("Paying ${MoneyText.format(s.amount)} to ${s.quote.merchantName}…")
        is PayState.Done -> Result(
            "Paid ${MoneyText.format(s.payment.amount)}",
            "to ${s.payment.merchantName}. Balance ${MoneyText.format(s.payment.balance)}.",
            onClose,
        )
        is PayState.Pending -> Result(
            "Payment pending",
            "The answer is late; it will settle by itself. You will not be charged twice.",
            onClose,
        )
        is PayState.Failed -> Result(
            s.error.title,
            s.error.detail,
            if (s.error.scanAgain) vm::scanAgain else onClose,
            reference = s.error.reference,
        )
    }
}

/**
 * The camera, with a torch for dark shops and a way to read a code from a picture in the
 * gallery (a screenshot someone sent). The analyzer stops after one code.
 */
@Composable
private fun Scanner(vm: PayViewModel, onClose: () -> Unit) {
    val owner = LocalLifecycleOwner.current
    val context = LocalContext.current
    val scope = rememberCoroutineScope()
    var camera by remember { mutableStateOf<Camera?>(null) }
    var torchOn by remember { mutableStateOf(false) }
    val pickImage = rememberLauncherForActivityResult(ActivityResultContracts.PickVisualMedia()) { uri ->
        if (uri != null) {
            scope.launch {
                val bytes = withContext(Dispatchers.IO) {
                    context.contentResolver.openInputStream(uri)?.use { it.readBytes() }
                }
                if (bytes != null) vm.onImage(bytes)
            }
        }
    }
    Box(Modifier.fillMaxSize()) {
        AndroidView(
            modifier = Modifier.fillMaxSize(),
            factory = { context ->
                val view = PreviewView(context)
                val providerFuture = ProcessCameraProvider.getInstance(context)
                providerFuture.addListener({
                    val provider = providerFuture.get()
                    val preview = Preview.Builder().build().also { it.setSurfaceProvider(view.surfaceProvider) }
                    val analysis = ImageAnalysis.Builder()
                        .setBackpressureStrategy(ImageAnalysis.STRATEGY_KEEP_ONLY_LATEST)
                        .setOutputImageFormat(ImageAnalysis.OUTPUT_IMAGE_FORMAT_YUV_420_888)
                        .build()
                    analysis.setAnalyzer(
                        Executors.newSingleThreadExecutor(),
                        LumaAnalyzer(vm::onFrame) {
                            view.post {
                                view.performHapticFeedback(HapticFeedbackConstants.CONFIRM)
                                provider.unbindAll()
                            }
                        },
                    )
                    provider.unbindAll()
                    camera = provider.bindToLifecycle(owner, CameraSelector.DEFAULT_BACK_CAMERA, preview, analysis)
                }, ContextCompat.getMainExecutor(context))
                view
            },
        )
        TextButton(onClick = onClose, modifier = Modifier.align(Alignment.TopStart).padding(16.dp)) { Text("Close") }
        Row(Modifier.align(Alignment.BottomCenter).padding(24.dp), horizontalArrangement = Arrangement.spacedBy(16.dp)) {
            if (camera?.cameraInfo?.hasFlashUnit() == true) {
                Button(onClick = {
                    torchOn = !torchOn
                    camera?.cameraControl?.enableTorch(torchOn)
                }) { Text(if (torchOn) "Torch off" else "Torch on") }
            }
            Button(onClick = {
                pickImage.launch(PickVisualMediaRequest(ActivityResultContracts.PickVisualMedia.ImageOnly))
            }) { Text("From a picture") }
        }
    }
}

@OptIn(ExperimentalMaterial3Api::class)
@Composable
private fun ConfirmSheet(s: PayState.Confirm, onPay: (String?) -> Unit, onCancel: () -> Unit) {
    var typed by remember { mutableStateOf("") }
    ModalBottomSheet(onDismissRequest = onCancel) {
        Column(Modifier.padding(24.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
            Text(s.quote.merchantName, style = MaterialTheme.typography.headlineSmall)
            Text(s.quote.city, style = MaterialTheme.typography.bodyMedium)
            s.nameWarning?.let { Text(it, color = MaterialTheme.colorScheme.error) }
            val amount = s.quote.amount
            if (amount != null) {
                Text(MoneyText.format(amount), style = MaterialTheme.typography.displaySmall)
            } else {
                OutlinedTextField(value = typed, onValueChange = { typed = it }, label = { Text("Amount (${s.quote.currency})") })
            }
            s.notice?.let { Text(it, color = MaterialTheme.colorScheme.error) }
            Button(onClick = { onPay(if (amount == null) typed else null) }) { Text("Pay") }
            TextButton(onClick = onCancel) { Text("Cancel") }
        }
    }
}

@Composable
private fun Busy(text: String) {
    Column(Modifier.fillMaxSize(), verticalArrangement = Arrangement.Center, horizontalAlignment = Alignment.CenterHorizontally) {
        CircularProgressIndicator()
        Text(text, modifier = Modifier.padding(16.dp))
    }
}

@Composable
private fun Result(title: String, detail: String, onDone: () -> Unit, reference: String? = null) {
    Column(Modifier.fillMaxSize().padding(24.dp), verticalArrangement = Arrangement.Center) {
        Text(title, style = MaterialTheme.typography.headlineMedium)
        Text(detail, modifier = Modifier.padding(vertical = 16.dp))
        if (reference != null) Text("Reference $reference", style = MaterialTheme.typography.bodySmall)
        Button(onClick = onDone) { Text("Done") }
    }
}
