import PurseCore
import SwiftUI
import UIKit

/// The pay code for the till, over `PayCodeViewModel`: full brightness while shown, the QR
/// and digits hidden from VoiceOver (which reads the view-model's words: a code read aloud
/// is a code given away), hidden from screen recording and the app switcher by a privacy
/// cover when the app is not active (iOS has no FLAG_SECURE; screenshots cannot be blocked).
struct PayCodeView: View {
    @StateObject var vm: PayCodeViewModel
    @Environment(\.scenePhase) private var phase
    @State private var brightness: CGFloat = UIScreen.main.brightness
    @State private var captured = UIScreen.main.isCaptured

    var body: some View {
        VStack(spacing: 16) {
            switch vm.state {
            case .loading, .confirming:
                ProgressView()
            case let .showing(code):
                if captured || phase != .active {
                    Text("The code is hidden while the screen is recorded or the app is in the background.")
                } else {
                    VStack(spacing: 12) {
                        if let png = try? qrPng(text: code.qrText, modulePx: 8), let image = UIImage(data: png) {
                            Image(uiImage: image).interpolation(.none).resizable().frame(width: 260, height: 260)
                        }
                        Text(code.digits).font(.system(.title2, design: .monospaced))
                    }
                    .accessibilityElement(children: .ignore)
                    .accessibilityLabel(code.spoken)
                    Text("A new code in \(code.secondsLeft) s. \(code.offlineUntil)")
                }
            case let .asking(q):
                Text(q.question).font(.title2).accessibilityLabel(q.spoken)
                HStack {
                    Button("Pay") { vm.confirm(q.chargeId) }.buttonStyle(.borderedProminent)
                    Button("Decline") { vm.decline(q.chargeId) }
                }
            case let .answered(message, _):
                Text(message).font(.title2)
                Button("Show my code") { vm.dismiss() }
            case let .failed(error):
                Text(error.title).font(.headline)
                Text(error.detail)
                if error.canRetry { Button("Try again") { vm.start() } }
            }
        }
        .padding()
        .navigationTitle("Pay code")
        .onAppear {
            brightness = UIScreen.main.brightness
            UIScreen.main.brightness = 1.0
            vm.start()
        }
        .onDisappear {
            UIScreen.main.brightness = brightness
            vm.stop()
        }
        .onReceive(NotificationCenter.default.publisher(for: UIScreen.capturedDidChangeNotification)) { _ in
            captured = UIScreen.main.isCaptured
        }
    }
}
