import PurseCore
import SwiftUI
import UIKit

/// The app: one wallet in Application Support, keys behind Face ID / Touch ID.
@main
struct PurseApp: App {
    /// The core allows plain HTTP only to loopback (a simulator reaches the Mac's backend so).
    static let backendURL = "http://127.0.0.1:8080"
    let wallet: Wallet
    @State private var scanning = false
    @State private var showingDevices = false
    @State private var showingPeople = false
    @State private var showingBills = false
    @State private var showingSavings = false
    @State private var showingPayCode = false
    @State private var recoveryCode: String?
    @State private var enrolled: Bool

    init() {
        let dir = FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask)[0]
            .appendingPathComponent("wallet")
        // A wallet that cannot open is a broken installation: nothing useful can be shown.
        wallet = try! Wallet.open(
            dataDir: dir.path, backendUrl: Self.backendURL, protector: KeychainKeyProtector(),
            secureStore: KeychainSecureStore()
        )
        _enrolled = State(initialValue: (try? wallet.account()) != nil)
    }

    var body: some Scene {
        WindowGroup {
            if let code = recoveryCode {
                RecoveryCodeView(model: RecoveryCodeViewModel(code: code), onDone: { recoveryCode = nil })
            } else if !enrolled {
                JoinView(
                    model: JoinViewModel(wallet: wallet),
                    deviceName: UIDevice.current.name,
                    onCreated: { recoveryCode = $0; enrolled = true },
                    onJoined: { enrolled = true }
                )
            } else if showingPeople {
                NavigationStack {
                    PeopleView(
                        send: SendViewModel(wallet: wallet),
                        receive: ReceiveViewModel(wallet: wallet),
                        requests: RequestsViewModel(wallet: wallet)
                    )
                    .toolbar { Button("Done") { showingPeople = false } }
                }
            } else if showingBills {
                NavigationStack {
                    BillsView(vm: BillViewModel(wallet: wallet))
                        .toolbar { Button("Done") { showingBills = false } }
                }
            } else if showingSavings {
                NavigationStack {
                    SavingsView(vm: SavingsViewModel(wallet: wallet), currency: (try? wallet.account())??.currency ?? "CNY")
                        .toolbar { Button("Done") { showingSavings = false } }
                }
            } else if showingPayCode {
                NavigationStack {
                    PayCodeView(vm: PayCodeViewModel(wallet: wallet))
                        .toolbar { Button("Done") { showingPayCode = false } }
                }
            } else if showingDevices {
                NavigationStack {
                    DevicesView(model: DevicesViewModel(wallet: wallet), onNewRecoveryCode: { recoveryCode = $0 })
                        .toolbar { Button("Done") { showingDevices = false } }
                }
            } else if scanning {
                PayFlowView(model: PayViewModel(wallet: wallet), onClose: { scanning = false })
            } else {
                HomeView(model: HomeViewModel(wallet: wallet), onScan: { scanning = true })
                    .overlay(alignment: .topTrailing) {
                        HStack {
                            Button("People") { showingPeople = true }
                            Button("Bills") { showingBills = true }
                            Button("Savings") { showingSavings = true }
                            Button("Pay code") { showingPayCode = true }
                            Button("Devices") { showingDevices = true }
                        }
                        .padding()
                    }
            }
        }
    }
}
