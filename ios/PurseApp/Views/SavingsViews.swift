import PurseCore
import SwiftUI

/// Savings: the same screen as Android's `SavingsScreen`, over `SavingsViewModel`. Each
/// figure carries its spoken form for VoiceOver.
struct SavingsView: View {
    @StateObject var vm: SavingsViewModel
    let currency: String
    @State private var amount = ""

    var body: some View {
        Form {
            switch vm.state {
            case .loading, .moving:
                ProgressView()
            case let .shown(v):
                Section("Savings") {
                    Text(v.balance).font(.largeTitle).accessibilityLabel(v.balanceSpoken)
                    if let fresh = v.notYetEarning { Text("\(fresh) earns from tomorrow") }
                    Text("Yesterday's income \(v.yesterdayIncome)").accessibilityLabel(v.yesterdayIncomeSpoken)
                    Text("Total income \(v.totalIncome)")
                    Text(v.sevenDayYield.map { "7-day annualized yield \($0)" } ?? "7-day yield after seven days")
                        .accessibilityLabel(v.sevenDayYieldSpoken ?? "seven-day yield after seven days")
                    if let r = v.lastReturn { Text("\(r) per 10,000 shares yesterday") }
                    Text("Instant redemption left today: \(v.instantLeft)")
                    if let r = v.redeeming { Text("On its way to your wallet: \(r)") }
                }
                Section("Move money") {
                    TextField("Amount (\(currency))", text: $amount).keyboardType(.decimalPad)
                    Button("Move in") { vm.moveIn(amountText: amount, currency: currency) }
                    Button("Move out") { vm.moveOut(amountText: amount, currency: currency) }
                }
            case let .moved(_, message, spoken):
                Text(message).accessibilityLabel(spoken)
                Button("Done") { amount = ""; vm.load() }
            case .pending:
                Text("No answer yet. The move settles by itself and never happens twice.")
                Button("Back to savings") { vm.load() }
            case let .failed(error):
                Text(error.title).font(.headline)
                Text(error.detail)
                Button("Back to savings") { vm.load() }
            }
        }
        .navigationTitle("Savings")
        .task { vm.load() }
    }
}
