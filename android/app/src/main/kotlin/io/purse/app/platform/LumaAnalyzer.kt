package io.purse.app.platform

import androidx.camera.core.ImageAnalysis
import androidx.camera.core.ImageProxy

/**
 * CameraX analyzer (use with `STRATEGY_KEEP_ONLY_LATEST` and `OUTPUT_IMAGE_FORMAT_YUV_420_888`):
 * hands the Y plane as it is, with its row stride and the frame's `rotationDegrees`, to
 * [onFrame]: no bitmap, no conversion.
 * [onFrame] returns true once it took a code; the analyzer then stays quiet.
 */
class LumaAnalyzer(
    private val onFrame: (luma: ByteArray, width: Int, height: Int, rowStride: Int, rotationDegrees: Int) -> Boolean,
    private val onCode: () -> Unit,
) : ImageAnalysis.Analyzer {
    @Volatile private var done = false
    private var buffer = ByteArray(0)

    override fun analyze(image: ImageProxy) {
        image.use {
            if (done) return
            val y = it.planes[0]
            val data = y.buffer
            if (buffer.size != data.remaining()) buffer = ByteArray(data.remaining())
            data.get(buffer)
            if (onFrame(buffer, it.width, it.height, y.rowStride, it.imageInfo.rotationDegrees)) {
                done = true
                onCode()
            }
        }
    }

    fun reset() {
        done = false
    }
}
