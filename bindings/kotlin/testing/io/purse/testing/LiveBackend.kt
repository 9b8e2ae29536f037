package io.purse.testing

import java.io.BufferedReader
import java.io.File
import java.io.InputStreamReader
import java.nio.file.Files
import java.util.concurrent.TimeUnit

/**
 * The reference backend on a free loopback port, started from the `purse` binary
 * (`-Dpurse.cli=<path>`), with a merchant ("Tea House") whose codes the `purse` CLI renders,
 * so tests scan real PNGs. One per test class: [start] in `@BeforeClass`, [stop] after.
 */
class LiveBackend private constructor(private val purse: String, val work: File) {
    private lateinit var process: Process
    lateinit var url: String
        private set

    companion object {
        fun start(): LiveBackend {
            val purse = System.getProperty("purse.cli") ?: error("-Dpurse.cli=<path to purse>")
            val b = LiveBackend(purse, Files.createTempDirectory("purse-kotlin").toFile())
            b.process = ProcessBuilder(purse, "backend", "--listen", "127.0.0.1:0", "--db", File(b.work, "backend.db").path)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start()
            val first = BufferedReader(InputStreamReader(b.process.inputStream)).readLine()
                ?: error("the backend did not start")
            b.url = first.substringAfter("listening on ").trim()
            b.cli("init", "--name", "Tea House Ltd")
            b.cli("merchant", "init", "--name", "Tea House", "--city", "Hangzhou")
            return b
        }
    }

    /** Runs the CLI as the merchant; returns its standard output. */
    fun cli(vararg args: String): String {
        val p = ProcessBuilder(listOf(purse, "--data-dir", File(work, "merchant").path, "--backend", url) + args)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .apply { environment()["PURSE_PASSPHRASE"] = "merchant passphrase" }
            .start()
        val out = p.inputStream.bufferedReader().readText()
        check(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) { "purse ${args.joinToString(" ")} failed: $out" }
        return out
    }

    /** A merchant order for [amount] ("12.34 CNY") as a PNG file, and its order id. */
    fun orderPng(amount: String): Pair<File, String> {
        val png = File.createTempFile("order", ".png", work)
        val json = cli("merchant", "order", "--amount", amount, "--png", png.path, "--json")
        return png to jsonField(json, "order_id")
    }

    /** The merchant's static code (the payer types the amount) as a payload. */
    fun staticPayload(): String = jsonField(cli("merchant", "code", "--json"), "payload")

    /**
     * Runs the savings fund's daily job as if [days] more days had passed: through the day
     * before that (UTC), on this backend's database. Returns its JSON report.
     */
    fun accrueAhead(days: Long): String {
        val through = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(days - 1)
        val p = ProcessBuilder(
            purse, "backend", "accrue", "--db", File(work, "backend.db").path,
            "--fund-clock-days=$days", "--through", through.toString(), "--json",
        ).redirectError(ProcessBuilder.Redirect.INHERIT).start()
        val out = p.inputStream.bufferedReader().readText()
        check(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) { "purse backend accrue failed: $out" }
        return out
    }

    /** A fresh folder for a wallet. */
    fun walletDir(): String = Files.createTempDirectory(work.toPath(), "wallet").toString()

    fun stop() {
        process.destroy()
        process.waitFor(10, TimeUnit.SECONDS)
        work.deleteRecursively()
    }

    private fun jsonField(json: String, name: String): String =
        Regex("\"$name\"\\s*:\\s*\"([^\"]+)\"").find(json)?.groupValues?.get(1)
            ?: error("no $name in $json")
}

/**
 * One [LiveBackend] per test class: `@get:ClassRule @JvmStatic val backend = LiveBackendRule()`
 * in the companion, then `backend.get()`.
 */
class LiveBackendRule : org.junit.rules.ExternalResource() {
    private var running: LiveBackend? = null

    fun get(): LiveBackend = running ?: error("the backend starts before the first test")

    override fun before() {
        running = LiveBackend.start()
    }

    override fun after() {
        running?.stop()
        running = null
    }
}
