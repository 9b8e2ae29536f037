import PurseCore
import SwiftUI
import UIKit

/// The recovery code once, then typed back before it is gone.
struct RecoveryCodeView: View {
    @StateObject var model: RecoveryCodeViewModel
    let onDone: () -> Void
    @State private var typed = ""

    var body: some View {
        Form {
            switch model.state {
            case let .showing(groups):
                Section("Your recovery code") {
                    Text("Write it down and keep it away from this phone. With it you can get your wallet back if every phone is lost. Purse shows it only now.")
                    Text(groups.joined(separator: "  ")).font(.system(.title3, design: .monospaced))
                        .privacySensitive()
                    Button("I wrote it down") { model.written() }
                }
            case let .checking(problem):
                Section("Type the code as you wrote it") {
                    TextField("Recovery code", text: $typed).textInputAutocapitalization(.characters)
                        .autocorrectionDisabled()
                    if let problem { Text(problem).foregroundStyle(.red) }
                    Button("Check") { model.check(typed) }
                    Button("Show the code again") { model.showAgain() }
                }
            case .saved:
                Section {
                    Text("Saved. Keep it safe: anyone with it and a day's time can take over the wallet unless one of your phones stops them.")
                    Button("Done", action: onDone)
                }
            }
        }
    }
}

/// A phone with no wallet: create one, pair it, or recover with the code.
struct JoinView: View {
    @StateObject var model: JoinViewModel
    let deviceName: String
    let onCreated: (String) -> Void
    let onJoined: () -> Void
    @State private var name = ""
    @State private var code = ""

    var body: some View {
        Form {
            switch model.state {
            case .choosing:
                Section("A new wallet") {
                    TextField("Your name", text: $name)
                    Button("Create my wallet") { model.create(name: name, currencyCode: "CNY", deviceName: deviceName) }
                        .disabled(name.isEmpty)
                }
                Section("An existing wallet") {
                    Button("Add this phone from my other phone") { model.pair(deviceName: deviceName) }
                    Button("I have no other phone: use my recovery code") { model.useRecoveryCode() }
                }
            case .working:
                ProgressView()
            case let .showingCode(offer):
                Section("On your other phone: Devices › Add a device") {
                    if let png = try? qrPng(text: offer.qr, modulePx: 8), let image = UIImage(data: png) {
                        Image(uiImage: image).interpolation(.none).resizable().scaledToFit().frame(width: 240, height: 240)
                            .accessibilityLabel("pairing code")
                    }
                    Text(offer.code).font(.system(.body, design: .monospaced))
                    Text("Both phones must show \(offer.confirmation)").font(.title3)
                    Button("Cancel", role: .cancel) { model.cancel() }
                }
            case let .typingCode(typo):
                Section("Type your recovery code") {
                    TextField("XXXX-XXXX-…", text: $code).textInputAutocapitalization(.characters)
                        .autocorrectionDisabled()
                        .onChange(of: code) { model.typed($0) }
                    if let typo { Text(typo).foregroundStyle(.red) }
                    Button("Recover") { model.recover(code: code, deviceName: deviceName) }
                        .disabled(typo != nil || code.isEmpty)
                }
            case let .waitingForCoolOff(until):
                Section {
                    Text("Your wallet's other devices have been told. If none of them stops it, this phone joins at \(Date(timeIntervalSince1970: TimeInterval(until)).formatted()).")
                    Text("For a few days after, payments from this phone are limited.")
                    Button("Give up", role: .cancel) { model.cancel() }
                }
            case let .created(recoveryCode):
                ProgressView().onAppear { onCreated(recoveryCode) }
            case let .joined(account):
                Text("Welcome back, \(account.name).").onAppear(perform: onJoined)
            case let .failed(error):
                Section(error.title) {
                    Text(error.detail)
                    Button("Start again") { model.cancel() }
                }
            }
        }
        .onAppear { model.resume() }
    }
}

/// The wallet's devices, adding one from its code, and recoveries to stop.
struct DevicesView: View {
    @StateObject var model: DevicesViewModel
    let onNewRecoveryCode: (String) -> Void
    @State private var pairingCode = ""

    var body: some View {
        List {
            if let error = model.error { Text("\(error.title): \(error.detail)").foregroundStyle(.red) }
            ForEach(model.recoveries, id: \.recoveryId) { r in
                Section("Recovery under way") {
                    Text("Someone is recovering this wallet on “\(r.deviceName)”. It joins at \(Date(timeIntervalSince1970: TimeInterval(r.completesAt)).formatted()).")
                    Button("This was not me: stop it", role: .destructive) { model.cancelRecovery(r.recoveryId) }
                }
            }
            Section("Devices") {
                ForEach(model.devices, id: \.deviceId) { d in
                    HStack {
                        Text(d.name)
                        Spacer()
                        Text(d.revokedAt != nil ? "removed" : d.restrictedUntil != nil ? "limited" : "active")
                            .foregroundStyle(.secondary)
                    }
                    .swipeActions {
                        if d.revokedAt == nil {
                            Button("Remove", role: .destructive) { model.revoke(d.deviceId) }
                        }
                    }
                }
            }
            Section("Add a device") {
                TextField("The new device's code", text: $pairingCode).autocorrectionDisabled()
                Button("Add") { model.open(code: pairingCode) }.disabled(pairingCode.isEmpty)
            }
            Section { Button("New recovery code") { model.rotateRecoveryCode() } }
        }
        .onAppear { model.refresh() }
        .onChange(of: model.newRecoveryCode) { code in
            if let code { onNewRecoveryCode(code); model.newRecoveryCode = nil }
        }
        .alert(confirmTitle, isPresented: .constant(isConfirming)) {
            Button("Same number: add") { model.approve() }
            Button("Different: cancel", role: .cancel) { model.reject() }
        } message: {
            Text(confirmMessage)
        }
    }

    private var isConfirming: Bool {
        if case .confirm = model.approving { return true }
        return false
    }

    private var confirmTitle: String {
        if case let .confirm(request, _) = model.approving { return "Add “\(request.deviceName)”?" }
        return ""
    }

    private var confirmMessage: String {
        if case let .confirm(request, _) = model.approving {
            return "Does it show \(request.confirmation)? Only add a device you are holding."
        }
        return ""
    }
}
