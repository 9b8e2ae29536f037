import PurseCore
import SwiftUI

/// The app: one wallet in Application Support, keys behind Face ID / Touch ID.
@main
struct PurseApp: App {
    /// The core allows plain HTTP only to loopback (a simulator reaches the Mac's backend so).
    static let backendURL = "http://127.0.0.1:8080"
    let wallet: Wallet
    @State private var scanning = false

    init() {
        let dir = FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask)[0]
            .appendingPathComponent("wallet")
        // A wallet that cannot open is a broken installation: nothing useful can be shown.
        wallet = try! Wallet.open(dataDir: dir.path, backendUrl: Self.backendURL, protector: KeychainKeyProtector())
    }

    var body: some Scene {
        WindowGroup {
            if scanning {
                PayFlowView(model: PayViewModel(wallet: wallet), onClose: { scanning = false })
            } else {
                HomeView(model: HomeViewModel(wallet: wallet), onScan: { scanning = true })
            }
        }
    }
}
