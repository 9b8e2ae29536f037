import Foundation
import PurseCore

/// The home screen: balance and recent transactions from the cache at once, then from the
/// backend, kept live by the event stream.
@MainActor
final class HomeViewModel: ObservableObject {
    @Published private(set) var balance: Money?
    @Published private(set) var recent: [Transaction] = []
    @Published private(set) var error: String?
    private let wallet: WalletProtocol
    private var subscription: TaskHandle?

    init(wallet: WalletProtocol) { self.wallet = wallet }

    func start() {
        balance = try? wallet.cachedBalance()
        recent = (try? wallet.history(limit: 5, startingAfter: nil).data) ?? []
        refresh()
        if subscription == nil {
            subscription = wallet.followEvents(listener: Listener { [weak self] event in
                Task { @MainActor in
                    self?.balance = event.balance
                    self?.recent = Array(([event.transaction] + (self?.recent ?? [])).prefix(5))
                }
            })
        }
    }

    func refresh() {
        Task {
            do {
                _ = try await wallet.reconcile()
                balance = try await wallet.balance()
                _ = try await wallet.syncHistory()
                recent = try wallet.history(limit: 5, startingAfter: nil).data
                error = nil
            } catch {
                self.error = "\(error)"
            }
        }
    }

    func stop() {
        subscription?.cancel()
        subscription = nil
    }

    private final class Listener: EventListener, @unchecked Sendable {
        let handle: (Event) -> Void
        init(_ handle: @escaping (Event) -> Void) { self.handle = handle }
        func onEvent(event: Event) { handle(event) }
        func onNotice(notice: Notice) {}
        func onError(reason: String) {}
    }
}
