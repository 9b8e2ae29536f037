package io.purse.app.ui

import android.os.Bundle
import android.view.WindowManager
import androidx.activity.compose.setContent
import androidx.compose.material3.MaterialTheme
import androidx.compose.runtime.SideEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.fragment.app.FragmentActivity
import androidx.lifecycle.viewmodel.compose.viewModel
import io.purse.app.PurseApplication
import io.purse.app.viewmodel.RecoveryCodeViewModel

/** The screens the app moves between; the activity only switches and forwards. */
enum class Screen { HOME, SCAN, HISTORY, DEVICES, RECOVERY_CODE, JOIN, PEOPLE, BILLS, SAVINGS, PAY_CODE }

/**
 * A `FragmentActivity` because `BiometricPrompt` needs one. Payment screens set
 * `FLAG_SECURE`: no screenshots, no recents thumbnail of an amount or a code.
 */
class MainActivity : FragmentActivity() {
    private val app get() = application as PurseApplication

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContent {
            MaterialTheme {
                var screen by remember {
                    mutableStateOf(if (app.wallet.account() == null) Screen.JOIN else Screen.HOME)
                }
                var recoveryCode by remember { mutableStateOf<RecoveryCodeViewModel?>(null) }
                val homeModel = viewModel { HomeScreenModel(app.wallet) }
                val payModel = viewModel { PayScreenModel(app.wallet) }
                val devicesModel = viewModel { DevicesScreenModel(app.wallet) }
                val peopleModel = viewModel { PeopleScreenModel(app.wallet) }
                val billsModel = viewModel { BillsScreenModel(app.wallet) }
                val savingsModel = viewModel { SavingsScreenModel(app.wallet) }
                val payCodeModel = viewModel { PayCodeScreenModel(app.wallet) }
                SideEffect { secure(screen in setOf(Screen.SCAN, Screen.RECOVERY_CODE, Screen.JOIN, Screen.PAY_CODE)) }
                when (screen) {
                    Screen.HOME -> HomeScreen(
                        homeModel.home,
                        onScan = { payModel.pay.scanAgain(); screen = Screen.SCAN },
                        onHistory = { homeModel.history.reload(); screen = Screen.HISTORY },
                        onDevices = { screen = Screen.DEVICES },
                        onPeople = { screen = Screen.PEOPLE },
                        onBills = { screen = Screen.BILLS },
                        onSavings = { screen = Screen.SAVINGS },
                        onPayCode = { screen = Screen.PAY_CODE },
                    )
                    Screen.PAY_CODE -> PayCodeScreen(payCodeModel.payCode, onBack = { screen = Screen.HOME })
                    Screen.BILLS -> BillsScreen(billsModel.bills, onBack = { screen = Screen.HOME })
                    Screen.SAVINGS -> SavingsScreen(
                        savingsModel.savings,
                        currency = app.wallet.account()?.currency ?: "CNY",
                        onBack = { screen = Screen.HOME },
                    )
                    Screen.SCAN -> PayFlow(payModel.pay, onClose = { screen = Screen.HOME })
                    Screen.HISTORY -> HistoryScreen(homeModel.history, onBack = { screen = Screen.HOME })
                    Screen.PEOPLE -> PeopleScreen(
                        peopleModel.send,
                        peopleModel.receive,
                        peopleModel.requests,
                        onBack = { screen = Screen.HOME },
                    )
                    Screen.DEVICES -> DevicesScreen(
                        devicesModel.devices,
                        onNewRecoveryCode = { recoveryCode = RecoveryCodeViewModel(it); screen = Screen.RECOVERY_CODE },
                        onBack = { screen = Screen.HOME },
                    )
                    Screen.RECOVERY_CODE -> recoveryCode?.let {
                        RecoveryCodeScreen(it, onDone = { recoveryCode = null; screen = Screen.HOME })
                    }
                    Screen.JOIN -> JoinScreen(
                        devicesModel.join,
                        deviceName = android.os.Build.MODEL,
                        onCreated = { recoveryCode = RecoveryCodeViewModel(it); screen = Screen.RECOVERY_CODE },
                        onJoined = { screen = Screen.HOME },
                    )
                }
            }
        }
    }

    override fun onResume() {
        super.onResume()
        app.biometricGate.attach(this)
    }

    private fun secure(on: Boolean) {
        if (on) window.addFlags(WindowManager.LayoutParams.FLAG_SECURE)
        else window.clearFlags(WindowManager.LayoutParams.FLAG_SECURE)
    }
}
