import AVFoundation
import PurseCore

/// The camera: a capture session whose video frames (bi-planar 4:2:0, full range) hand
/// their luma plane with its bytes-per-row straight to the core. No CGImage, no conversion.
/// The app is portrait-only and the back camera's buffers are landscape: each frame turns
/// 90 degrees clockwise to be upright, which the core applies to the corners it returns.
final class LumaScanner: NSObject, AVCaptureVideoDataOutputSampleBufferDelegate {
    let session = AVCaptureSession()
    private let queue = DispatchQueue(label: "io.purse.scanner")
    /// Returns true once it took a code; the scanner then stops.
    var onFrame: ((Data, Int, Int, Int, Int) -> Bool)?
    private let rotationDegrees = 90
    private var camera: AVCaptureDevice?

    func start() throws {
        guard let camera = AVCaptureDevice.default(.builtInWideAngleCamera, for: .video, position: .back) else { return }
        self.camera = camera
        let input = try AVCaptureDeviceInput(device: camera)
        let output = AVCaptureVideoDataOutput()
        output.videoSettings = [kCVPixelBufferPixelFormatTypeKey as String: kCVPixelFormatType_420YpCbCr8BiPlanarFullRange]
        output.alwaysDiscardsLateVideoFrames = true
        output.setSampleBufferDelegate(self, queue: queue)
        session.beginConfiguration()
        session.sessionPreset = .hd1280x720
        if session.canAddInput(input) { session.addInput(input) }
        if session.canAddOutput(output) { session.addOutput(output) }
        session.commitConfiguration()
        queue.async { self.session.startRunning() }
    }

    func stop() {
        queue.async { self.session.stopRunning() }
    }

    /// The torch, for dark shops; false when the camera has none.
    @discardableResult
    func setTorch(_ on: Bool) -> Bool {
        guard let camera, camera.hasTorch, (try? camera.lockForConfiguration()) != nil
        else { return false }
        camera.torchMode = on ? .on : .off
        camera.unlockForConfiguration()
        return true
    }

    func captureOutput(_ output: AVCaptureOutput, didOutput sampleBuffer: CMSampleBuffer, from connection: AVCaptureConnection) {
        guard let pixels = CMSampleBufferGetImageBuffer(sampleBuffer) else { return }
        CVPixelBufferLockBaseAddress(pixels, .readOnly)
        defer { CVPixelBufferUnlockBaseAddress(pixels, .readOnly) }
        guard let base = CVPixelBufferGetBaseAddressOfPlane(pixels, 0) else { return }
        let width = CVPixelBufferGetWidthOfPlane(pixels, 0)
        let height = CVPixelBufferGetHeightOfPlane(pixels, 0)
        let stride = CVPixelBufferGetBytesPerRowOfPlane(pixels, 0)
        let luma = Data(bytes: base, count: stride * height)
        if onFrame?(luma, width, height, stride, rotationDegrees) == true {
            stop()
        }
    }
}
