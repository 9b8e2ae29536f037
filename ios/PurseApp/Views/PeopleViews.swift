import PurseCore
import SwiftUI
import UIKit

/// Send to a person, show this account's receive code, and the requests inbox.
struct PeopleView: View {
    @StateObject var send: SendViewModel
    @StateObject var receive: ReceiveViewModel
    @StateObject var requests: RequestsViewModel
    @State private var to = ""
    @State private var amount = ""
    @State private var note = ""
    @State private var askFor = ""

    var body: some View {
        Form {
            Section("Send") {
                switch send.state {
                case let .entering(notice):
                    TextField("$handle, phone or email", text: $to).autocorrectionDisabled()
                    TextField("Amount", text: $amount).keyboardType(.decimalPad)
                    TextField("Note (140 characters)", text: $note)
                    if let notice { Text(notice).foregroundStyle(.red) }
                    Button("Next") { send.find(query: to, amountText: amount, note: note) }
                case .finding, .sending:
                    ProgressView()
                case let .confirm(recipient, amount, _, warning):
                    Text("Send \(MoneyText.format(amount)) to \(recipient.maskedName) \(recipient.handle ?? "")?")
                    if let warning { Text(warning).foregroundStyle(.red) }
                    Button("Send") { send.confirm() }
                    Button("Cancel", role: .cancel) { send.reset() }
                case let .done(transfer):
                    Text("Sent \(MoneyText.format(transfer.amount)). Balance \(MoneyText.format(transfer.balance)).")
                    Button("Send more") { send.reset() }
                case .pending:
                    Text("No answer yet: the transfer will settle by itself. It is not failed.")
                case let .failed(error):
                    Text("\(error.title): \(error.detail)").foregroundStyle(.red)
                    Button("Try again") { send.reset() }
                }
            }
            Section("Receive") {
                TextField("Ask for an amount (optional)", text: $askFor).keyboardType(.decimalPad)
                Button("Show my code") { receive.show(amountText: askFor) }
                Button("New code") { receive.rotate() }
                if let payload = receive.payload, let png = try? qrPng(text: payload, modulePx: 8),
                   let image = UIImage(data: png) {
                    Image(uiImage: image).interpolation(.none).resizable().scaledToFit().frame(width: 240, height: 240)
                        .accessibilityLabel("my receive code")
                }
                if let error = receive.error { Text("\(error.title): \(error.detail)").foregroundStyle(.red) }
            }
            Section("Requests") {
                if let error = requests.error { Text("\(error.title): \(error.detail)").foregroundStyle(.red) }
                ForEach(requests.inbox.filter { $0.state == .open }, id: \.requestId) { r in
                    Text("\(r.requester.maskedName) \(r.requester.handle ?? "") asks \(MoneyText.format(r.amount)): \(r.note)")
                    Button(requests.paying == r.requestId ? "Paying…" : "Pay") { requests.pay(r) }
                        .disabled(requests.paying != nil)
                    Button("Decline", role: .destructive) { requests.decline(r.requestId) }
                }
                ForEach(requests.sent.filter { $0.state == .open }, id: \.requestId) { r in
                    HStack {
                        Text("You asked \(r.payer.maskedName) for \(MoneyText.format(r.amount))")
                        Button("Cancel") { requests.cancel(r.requestId) }
                    }
                }
            }
        }
        .onAppear { requests.refresh() }
    }
}
