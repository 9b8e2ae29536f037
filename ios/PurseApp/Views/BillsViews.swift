import PurseCore
import SwiftUI

/// Bills and phone credit: the same screen as Android's `BillsScreen`, over `BillViewModel`.
struct BillsView: View {
    @StateObject var vm: BillViewModel
    @State private var chosen: Biller?
    @State private var reference = ""
    @State private var amount = ""
    @State private var number = ""

    var body: some View {
        Form {
            switch vm.state {
            case let .entering(_, fieldError):
                if let biller = chosen {
                    Section(biller.name) {
                        TextField(biller.reference.label, text: $reference).autocorrectionDisabled()
                        if !reference.isEmpty, let problem = vm.fieldError(biller: biller, typed: reference) {
                            Text(problem).foregroundStyle(.red)
                        }
                        TextField("Amount (empty: what is due)", text: $amount).keyboardType(.decimalPad)
                        if let fieldError { Text(fieldError).foregroundStyle(.red) }
                        Button("Next") { vm.start(biller: biller, typed: reference, amountText: amount.isEmpty ? nil : amount) }
                        Button("Other biller") { chosen = nil }
                    }
                } else {
                    Section("Billers") {
                        ForEach(vm.catalogue.filter { $0.category != .prepaidMobile }, id: \.billerId) { b in
                            Button(b.name) { chosen = b }
                        }
                    }
                    Section("Phone credit") {
                        TextField("Mobile number, with its country code", text: $number).keyboardType(.phonePad)
                        Button("Top up") { vm.findOperators(number: number) }
                    }
                }
            case .asking, .paying:
                ProgressView()
            case let .operators(lookup):
                Section("Operators for \(lookup.number): numbers move, check yours") {
                    ForEach(lookup.operators, id: \.billerId) { op in
                        Text(op.name + (op.billerId == lookup.suggested ? " (suggested)" : "")).font(.headline)
                        ForEach(op.products, id: \.productId) { p in
                            switch p.price {
                            case let .fixed(price):
                                Button("\(p.name): \(MoneyText.format(price))") {
                                    vm.topup(carrier: op, number: lookup.number, productId: p.productId)
                                }
                            case let .range(min, max, _):
                                TextField("\(MoneyText.format(min)) to \(MoneyText.format(max))", text: $amount)
                                    .keyboardType(.decimalPad)
                                Button("Top up") {
                                    vm.topup(carrier: op, number: lookup.number, productId: p.productId, amountText: amount)
                                }
                            }
                        }
                    }
                    Button("Cancel", role: .cancel) { vm.reset() }
                }
            case let .confirm(biller, reference, amount, bill, quote, _):
                Section("Confirm") {
                    if let bill {
                        Text("Bill \(bill.billNumber) for \(bill.customerName): \(MoneyText.format(bill.amountDue)) due \(bill.dueDate)")
                    }
                    if let quote {
                        Text("\(biller.name) is paid \(MoneyText.format(quote.billerAmount)); you pay \(MoneyText.format(quote.debit)) (fee \(MoneyText.format(quote.fee))).")
                    }
                    Text("Pay \(MoneyText.format(amount)) to \(biller.name) for \(reference)?")
                    Button("Pay") { vm.confirm() }
                    Button("Cancel", role: .cancel) { vm.reset() }
                }
            case let .done(p):
                Text("Paid \(MoneyText.format(p.amount)) to \(p.billerName). \(p.confirmation.map { "Confirmation \($0)." } ?? "The biller confirms it shortly.") Balance \(MoneyText.format(p.balance)).")
                Button("Done") { chosen = nil; vm.reset() }
            case .pending:
                Text("No answer yet: the payment will settle by itself. It is not failed.")
            case let .failed(error):
                Text("\(error.title): \(error.detail)").foregroundStyle(.red)
                Button("Back") { vm.reset() }
            }
        }
        .onAppear { vm.loadCatalogue() }
    }
}
