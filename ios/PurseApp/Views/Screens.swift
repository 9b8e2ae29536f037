import AVFoundation
import PhotosUI
import PurseCore
import SwiftUI

struct HomeView: View {
    @StateObject var model: HomeViewModel
    let onScan: () -> Void

    var body: some View {
        NavigationStack {
            List {
                Section("Balance") {
                    Text(model.balance.map { MoneyText.format($0) } ?? "—").font(.largeTitle)
                        .accessibilityLabel(model.balance.map { MoneyText.spoken($0) } ?? "balance unknown")
                    if let error = model.error { Text(error).foregroundStyle(.red) }
                    Button("Scan to pay", action: onScan)
                }
                Section("Recent") {
                    ForEach(model.recent, id: \.transactionId) { t in
                        HStack {
                            Text(t.counterparty)
                            Spacer()
                            Text(MoneyText.format(t.amount))
                                .accessibilityLabel(MoneyText.spokenChange(t.amount))
                        }
                    }
                }
            }
            .refreshable { model.refresh() }
            .navigationTitle("Purse")
        }
        .onAppear { model.start() }
        .onDisappear { model.stop() }
    }
}

/// The camera preview layer, drawn by AVFoundation.
struct CameraPreview: UIViewRepresentable {
    let session: AVCaptureSession

    func makeUIView(context: Context) -> UIView {
        let view = PreviewView()
        view.previewLayer.session = session
        view.previewLayer.videoGravity = .resizeAspectFill
        return view
    }

    func updateUIView(_ uiView: UIView, context: Context) {}

    final class PreviewView: UIView {
        override class var layerClass: AnyClass { AVCaptureVideoPreviewLayer.self }
        var previewLayer: AVCaptureVideoPreviewLayer { layer as! AVCaptureVideoPreviewLayer }
    }
}

struct PayFlowView: View {
    @StateObject var model: PayViewModel
    let scanner = LumaScanner()
    let onClose: () -> Void
    @State private var typed = ""
    @State private var torchOn = false
    @State private var picked: PhotosPickerItem?

    var body: some View {
        switch model.state {
        case .scanning:
            CameraPreview(session: scanner.session)
                .ignoresSafeArea()
                .onAppear {
                    scanner.onFrame = { [model] luma, w, h, stride, rotation in
                        let took = model.onFrame(luma: luma, width: w, height: h, rowStride: stride, rotationDegrees: rotation)
                        if took { DispatchQueue.main.async { UINotificationFeedbackGenerator().notificationOccurred(.success) } }
                        return took
                    }
                    try? scanner.start()
                }
                .onDisappear { scanner.setTorch(false); scanner.stop() }
                .overlay(alignment: .topLeading) { Button("Close", action: onClose).padding() }
                .overlay(alignment: .bottom) {
                    HStack(spacing: 16) {
                        Button(torchOn ? "Torch off" : "Torch on") {
                            if scanner.setTorch(!torchOn) { torchOn.toggle() }
                        }
                        PhotosPicker("From a picture", selection: $picked, matching: .images)
                    }
                    .buttonStyle(.borderedProminent)
                    .padding(24)
                }
                .onChange(of: picked) { item in
                    guard let item else { return }
                    Task {
                        if let data = try? await item.loadTransferable(type: Data.self) { model.onImage(data) }
                        picked = nil
                    }
                }
        case .resolving:
            ProgressView("Looking up the merchant…")
        case let .confirm(quote, needsAmount, warning, notice):
            VStack(spacing: 12) {
                Text(quote.merchantName).font(.title)
                Text(quote.city).foregroundStyle(.secondary)
                if let warning { Text(warning).foregroundStyle(.red) }
                if needsAmount {
                    TextField("Amount (\(quote.currency))", text: $typed).keyboardType(.decimalPad)
                } else if let amount = quote.amount {
                    Text(MoneyText.format(amount)).font(.largeTitle)
                        .accessibilityLabel(MoneyText.spoken(amount))
                }
                if let notice { Text(notice).foregroundStyle(.red) }
                Button("Pay") { model.confirm(typedAmount: needsAmount ? typed : nil) }
                    .buttonStyle(.borderedProminent)
                Button("Cancel", action: model.scanAgain)
            }
            .padding()
            .privacySensitive()
        case let .paying(quote, amount):
            ProgressView("Paying \(MoneyText.format(amount)) to \(quote.merchantName)…")
        case let .done(payment):
            ResultView(title: "Paid \(MoneyText.format(payment.amount))",
                       detail: "to \(payment.merchantName). Balance \(MoneyText.format(payment.balance)).",
                       onDone: onClose)
        case .pending:
            ResultView(title: "Payment pending",
                       detail: "The answer is late; it will settle by itself. You will not be charged twice.",
                       onDone: onClose)
        case let .failed(error, _):
            ResultView(title: error.title,
                       detail: error.reference.map { "\(error.detail)\nReference \($0)" } ?? error.detail,
                       onDone: error.scanAgain ? model.scanAgain : onClose)
        }
    }
}

struct ResultView: View {
    let title: String
    let detail: String
    let onDone: () -> Void

    var body: some View {
        VStack(spacing: 16) {
            Text(title).font(.title)
            Text(detail)
            Button("Done", action: onDone).buttonStyle(.borderedProminent)
        }
        .padding()
    }
}
