import Foundation
import PurseCore

/// The recovery code, shown once with a step that proves the user wrote it down; the same
/// decisions as Android's `RecoveryCodeViewModel`.
@MainActor
final class RecoveryCodeViewModel: ObservableObject {
    enum State: Equatable {
        case showing(groups: [String])
        case checking(problem: String?)
        case saved
    }

    @Published private(set) var state: State
    private var code: String?

    init(code: String) {
        self.code = code
        state = .showing(groups: code.components(separatedBy: "-"))
    }

    func written() {
        if case .showing = state { state = .checking(problem: nil) }
    }

    func showAgain() {
        guard let code else { return }
        state = .showing(groups: code.components(separatedBy: "-"))
    }

    func check(_ typed: String) {
        guard let code else { return }
        if sameRecoveryCode(shown: code, typed: typed) {
            self.code = nil
            state = .saved
            return
        }
        do {
            try checkRecoveryCode(code: typed)
            state = .checking(problem: "This is not the code shown: look at what you wrote.")
        } catch let PurseError.CodeTypo(reason) {
            state = .checking(problem: reason)
        } catch {
            state = .checking(problem: "\(error)")
        }
    }
}

/// A phone with no wallet: create one, pair from another phone, or recover with the code.
/// The same decisions as Android's `JoinViewModel`.
@MainActor
final class JoinViewModel: ObservableObject {
    enum State: Equatable {
        case choosing
        case working
        case showingCode(PairingOffer)
        case typingCode(typo: String?)
        case waitingForCoolOff(until: Int64)
        case created(recoveryCode: String)
        case joined(WalletAccount)
        case failed(UiError)
    }

    @Published private(set) var state: State = .choosing
    private let wallet: WalletProtocol
    private let pollNanos: UInt64
    private var follow: Task<Void, Never>?

    init(wallet: WalletProtocol, pollSeconds: Double = 2) {
        self.wallet = wallet
        pollNanos = UInt64(pollSeconds * 1_000_000_000)
    }

    func resume() {
        if let offer = try? wallet.pairingOffer() { state = .showingCode(offer) }
        followJoin(initial: true)
    }

    func create(name: String, currencyCode: String, deviceName: String) {
        state = .working
        Task {
            do {
                let e = try await wallet.enroll(name: name, currencyCode: currencyCode, deviceName: deviceName)
                state = .created(recoveryCode: e.recoveryCode)
            } catch {
                state = .failed(UiError.of(error))
            }
        }
    }

    func pair(deviceName: String) {
        state = .working
        Task {
            do {
                state = .showingCode(try await wallet.startPairing(deviceName: deviceName))
                followJoin(initial: false)
            } catch {
                state = .failed(UiError.of(error))
            }
        }
    }

    func useRecoveryCode() { state = .typingCode(typo: nil) }

    func typed(_ code: String) {
        do {
            try checkRecoveryCode(code: code)
            state = .typingCode(typo: nil)
        } catch let PurseError.CodeTypo(reason) {
            state = .typingCode(typo: reason)
        } catch {
            state = .typingCode(typo: "\(error)")
        }
    }

    func recover(code: String, deviceName: String) {
        state = .working
        Task {
            do {
                let r = try await wallet.startRecovery(recoveryCode: code, deviceName: deviceName)
                state = .waitingForCoolOff(until: r.completesAt)
                followJoin(initial: false)
            } catch let PurseError.CodeTypo(reason) {
                state = .typingCode(typo: reason)
            } catch {
                state = .failed(UiError.of(error))
            }
        }
    }

    func cancel() {
        follow?.cancel()
        follow = nil
        try? wallet.forgetJoin()
        state = .choosing
    }

    private func followJoin(initial: Bool) {
        follow?.cancel()
        follow = Task { [weak self] in
            guard let self else { return }
            while !Task.isCancelled {
                do {
                    switch try await wallet.checkJoin() {
                    case let .joined(account):
                        state = .joined(account)
                        return
                    case let .waiting(until):
                        if case .showingCode = state {} else { state = .waitingForCoolOff(until: until) }
                    }
                } catch PurseError.NotEnrolled {
                    if initial { state = .choosing }
                    return
                } catch PurseError.Network {
                    // Waiting goes on; the next ask may get through.
                } catch {
                    state = .failed(UiError.of(error))
                    return
                }
                try? await Task.sleep(nanoseconds: pollNanos)
            }
        }
    }
}

/// The wallet's devices as a phone of the account manages them; the same decisions as
/// Android's `DevicesViewModel`.
@MainActor
final class DevicesViewModel: ObservableObject {
    enum Approve: Equatable {
        case opening
        case confirm(PairingRequest, code: String)
        case adding
        case added(Device)
    }

    @Published private(set) var devices: [Device] = []
    @Published private(set) var recoveries: [Recovery] = []
    @Published private(set) var approving: Approve?
    @Published var newRecoveryCode: String?
    @Published private(set) var error: UiError?
    private let wallet: WalletProtocol

    init(wallet: WalletProtocol) { self.wallet = wallet }

    func refresh() {
        Task {
            do {
                devices = try await wallet.devices()
                recoveries = try await wallet.recoveries()
                error = nil
            } catch {
                self.error = UiError.of(error)
            }
        }
    }

    func onNotice(_ notice: Notice) {
        if notice.kind != .recoveryCodeRotated { refresh() }
    }

    func open(code: String) {
        approving = .opening
        Task {
            do {
                approving = .confirm(try await wallet.openPairing(code: code), code: code)
            } catch {
                approving = nil
                self.error = UiError.of(error)
            }
        }
    }

    func approve() {
        guard case let .confirm(request, code) = approving else { return }
        approving = .adding
        Task {
            do {
                approving = .added(try await wallet.approvePairing(code: code, confirmation: request.confirmation))
                refresh()
            } catch {
                approving = nil
                self.error = UiError.of(error)
            }
        }
    }

    func reject() { approving = nil }

    func cancelRecovery(_ recoveryId: String) {
        Task {
            do {
                _ = try await wallet.cancelRecovery(recoveryId: recoveryId)
                refresh()
            } catch {
                self.error = UiError.of(error)
            }
        }
    }

    func revoke(_ deviceId: String) {
        Task {
            do {
                _ = try await wallet.revokeDevice(deviceId: deviceId)
                refresh()
            } catch {
                self.error = UiError.of(error)
            }
        }
    }

    func rotateRecoveryCode() {
        Task {
            do {
                newRecoveryCode = try await wallet.rotateRecoveryCode()
            } catch {
                self.error = UiError.of(error)
            }
        }
    }
}
