package io.purse.app.viewmodel

import io.purse.core.WalletInterface
import io.purse.model.Transaction
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow

data class HistoryState(
    val transactions: List<Transaction> = emptyList(),
    val hasMore: Boolean = true,
)

/** The history screen: pages of the cached history, newest first, loaded as the list scrolls. */
class HistoryViewModel(private val wallet: WalletInterface, private val pageSize: Int = 50) {
    private val _state = MutableStateFlow(HistoryState())
    val state: StateFlow<HistoryState> = _state.asStateFlow()

    /** Loads the next page (no network: the home screen keeps the cache in sync). */
    fun loadMore() {
        val s = _state.value
        if (!s.hasMore) return
        val page = wallet.history(pageSize.toUInt(), s.transactions.lastOrNull()?.transactionId)
        _state.value = HistoryState(s.transactions + page.data, page.hasMore)
    }

    /** Starts again from the newest. */
    fun reload() {
        _state.value = HistoryState()
        loadMore()
    }
}
