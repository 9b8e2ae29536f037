package io.purse.app.ui

import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import io.purse.app.viewmodel.BillViewModel
import io.purse.app.viewmodel.PayCodeViewModel
import io.purse.app.viewmodel.SavingsViewModel
import io.purse.app.viewmodel.DevicesViewModel
import io.purse.app.viewmodel.HistoryViewModel
import io.purse.app.viewmodel.HomeViewModel
import io.purse.app.viewmodel.JoinViewModel
import io.purse.app.viewmodel.ReceiveViewModel
import io.purse.app.viewmodel.RequestsViewModel
import io.purse.app.viewmodel.SendViewModel
import io.purse.app.viewmodel.PayViewModel
import io.purse.core.WalletInterface

/**
 * AndroidX holders for the plain view-models: they only give them a lifecycle-bound scope.
 * Every decision lives in `io.purse.app.viewmodel`, tested on the JVM.
 */
class PayScreenModel(wallet: WalletInterface) : ViewModel() {
    val pay = PayViewModel(wallet, viewModelScope)
}

class HomeScreenModel(wallet: WalletInterface) : ViewModel() {
    val home = HomeViewModel(wallet, viewModelScope)
    val history = HistoryViewModel(wallet)

    override fun onCleared() = home.stop()
}

class DevicesScreenModel(wallet: WalletInterface) : ViewModel() {
    val devices = DevicesViewModel(wallet, viewModelScope)
    val join = JoinViewModel(wallet, viewModelScope)
}

class PeopleScreenModel(wallet: WalletInterface) : ViewModel() {
    val send = SendViewModel(wallet, viewModelScope)
    val receive = ReceiveViewModel(wallet, viewModelScope)
    val requests = RequestsViewModel(wallet, viewModelScope)
}

class BillsScreenModel(wallet: WalletInterface) : ViewModel() {
    val bills = BillViewModel(wallet, viewModelScope)
}

class SavingsScreenModel(wallet: WalletInterface) : ViewModel() {
    val savings = SavingsViewModel(wallet, viewModelScope)
}

class PayCodeScreenModel(wallet: WalletInterface) : ViewModel() {
    val payCode = PayCodeViewModel(wallet, viewModelScope)
}
