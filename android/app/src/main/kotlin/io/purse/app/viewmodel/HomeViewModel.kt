package io.purse.app.viewmodel

import io.purse.core.EventListener
import io.purse.core.TaskHandle
import io.purse.core.WalletInterface
import io.purse.model.Event
import io.purse.model.Money
import io.purse.model.Notice
import io.purse.model.Transaction
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch

data class HomeState(
    /** From the cache at once, then from the backend. */
    val balance: Money? = null,
    val recent: List<Transaction> = emptyList(),
    val refreshing: Boolean = false,
    val error: UiError? = null,
    /** The newest event, for a "Paid 12.34 to Tea House" banner. */
    val lastEvent: Event? = null,
    /** The newest device notice ("Tablet was added", "a recovery started: stop it?"). */
    val lastNotice: Notice? = null,
)

/**
 * The home screen: the balance and recent transactions, drawn from the cache first (no
 * spinner on a cold start), refreshed from the backend, kept live by the event stream.
 */
class HomeViewModel(
    private val wallet: WalletInterface,
    private val scope: CoroutineScope,
    private val recentCount: Int = 5,
) {
    private val _state = MutableStateFlow(HomeState())
    val state: StateFlow<HomeState> = _state.asStateFlow()
    private var subscription: TaskHandle? = null

    /** The screen is visible: show the cache, settle what was pending, refresh, follow. */
    fun start() {
        try {
            _state.update { it.copy(balance = wallet.cachedBalance(), recent = cachedRecent()) }
        } catch (e: Exception) {
            _state.update { it.copy(error = UiError.of(e)) }
        }
        refresh()
        if (subscription == null) {
            subscription = wallet.followEvents(object : EventListener {
                override fun onEvent(event: Event) {
                    _state.update {
                        it.copy(
                            balance = event.balance,
                            recent = (listOf(event.transaction) + it.recent.filter { t -> t.transactionId != event.transaction.transactionId })
                                .sortedByDescending { t -> t.seq }.take(recentCount),
                            lastEvent = event,
                        )
                    }
                }

                override fun onNotice(notice: Notice) {
                    _state.update { it.copy(lastNotice = notice) }
                }

                override fun onError(reason: String) {}
            })
        }
    }

    /** Pull to refresh. Payments left pending by a lost answer are settled first. */
    fun refresh() {
        _state.update { it.copy(refreshing = true, error = null) }
        scope.launch {
            try {
                wallet.reconcile()
                val balance = wallet.balance()
                wallet.syncHistory()
                _state.update { it.copy(balance = balance, recent = cachedRecent(), refreshing = false) }
            } catch (e: Exception) {
                _state.update { it.copy(refreshing = false, error = UiError.of(e)) }
            }
        }
    }

    /** The screen went away: stop following events. */
    fun stop() {
        subscription?.cancel()
        subscription = null
    }

    private fun cachedRecent(): List<Transaction> = wallet.history(recentCount.toUInt(), null).data
}
