package io.purse.app.viewmodel

import io.purse.core.NoHandle
import io.purse.core.PreparedPayment
import io.purse.core.Wallet
import io.purse.core.WalletInterface
import io.purse.model.ChargeState
import io.purse.model.Money
import io.purse.model.PaymentOutcome
import io.purse.model.TransactionKind
import io.purse.testing.LiveBackendRule
import io.purse.testing.SoftwareKeyProtector
import java.util.Locale
import javax.imageio.ImageIO
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.ClassRule
import org.junit.Test

/**
 * The shells' view-models on the JVM, with the real core and a live backend: the decisions
 * an Android screen forwards to, tested without Android.
 */
class ViewModelTest {
    companion object {
        @get:ClassRule @JvmStatic
        val liveBackend = LiveBackendRule()
    }

    private val backend get() = liveBackend.get()

    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)
    private val protector = SoftwareKeyProtector()

    @After
    fun stopScope() = scope.cancel()

    private fun cny(minor: Long) = Money(minor, "CNY")

    private suspend fun funded(amount: Long): Wallet {
        val w = Wallet.open(backend.walletDir(), backend.url, protector)
        w.enroll("Ada", "CNY", "JVM phone")
        val card = w.linkCard("4242 4242 4242 4242", 12u, 2030u)
        w.topup(card.sourceId, cny(amount))
        return w
    }

    private suspend fun <T> StateFlow<T>.await(what: String, ok: (T) -> Boolean): T =
        withTimeout(20_000) { first { ok(it) } }.also { assertNotNull(what, it) }

    /** A camera-like Y plane (rows padded to a stride) of a PNG. */
    private fun lumaOf(png: java.io.File): Triple<ByteArray, Int, Int> {
        val image = ImageIO.read(png)
        val stride = image.width + 16
        val luma = ByteArray(stride * image.height)
        for (y in 0 until image.height) for (x in 0 until image.width) {
            val rgb = image.getRGB(x, y)
            luma[y * stride + x] = (((rgb shr 16 and 0xff) + (rgb shr 8 and 0xff) + (rgb and 0xff)) / 3).toByte()
        }
        return Triple(luma, image.width, stride)
    }

    @Test
    fun scanConfirmPayShowsTheReceipt() = runBlocking {
        val wallet = funded(10_000)
        val vm = PayViewModel(wallet, scope)
        val (png, orderId) = backend.orderPng("12.34 CNY")
        val (luma, width, stride) = lumaOf(png)
        val height = luma.size / stride

        assertFalse("an empty frame is not a code", vm.onFrame(ByteArray(64 * 64), 64, 64, 64))
        assertTrue(vm.onFrame(luma, width, height, stride, rotationDegrees = 90))
        assertFalse("one code per scan", vm.onFrame(luma, width, height, stride))

        val confirm = vm.state.await("confirm") { it is PayState.Confirm } as PayState.Confirm
        assertEquals("Tea House", confirm.quote.merchantName)
        assertEquals(cny(1234), confirm.quote.amount)
        assertFalse(confirm.needsAmount)
        assertNull(confirm.nameWarning)

        vm.confirm()
        val done = vm.state.await("done") { it is PayState.Done || it is PayState.Failed }
        done as PayState.Done
        assertEquals(orderId, done.payment.orderId)
        assertEquals(cny(10_000 - 1234), done.payment.balance)

        vm.scanAgain()
        assertEquals(PayState.Scanning, vm.state.value)
    }

    @Test
    fun aCancelledPromptGoesBackToTheSheetAndAWrongAmountIsCaughtBeforeTheNetwork() = runBlocking {
        val wallet = funded(1_000)
        val vm = PayViewModel(wallet, scope)
        vm.onPayload(backend.staticPayload())
        val confirm = vm.state.await("confirm") { it is PayState.Confirm } as PayState.Confirm
        assertTrue("a static code asks for the amount", confirm.needsAmount)

        val prompts = protector.prompts.size
        vm.confirm("12.345")
        val wrong = vm.state.value as PayState.Confirm
        assertNotNull(wrong.notice)
        assertEquals("no prompt for a wrong amount", prompts, protector.prompts.size)

        protector.decision = SoftwareKeyProtector.Decision.CANCEL
        vm.confirm("3.50")
        val back = vm.state.await("back to confirm") { it is PayState.Confirm && it.notice == null && protector.prompts.size > prompts }
        assertTrue(back is PayState.Confirm)

        protector.decision = SoftwareKeyProtector.Decision.APPROVE
        vm.confirm("30.00")
        val failed = vm.state.await("refused") { it is PayState.Failed } as PayState.Failed
        assertEquals("Not enough money", failed.error.title)
        assertFalse(failed.error.canRetry)
        assertTrue("a reference to quote to support", failed.error.reference!!.startsWith("req_"))

        vm.scanAgain()
        vm.onPayload("000201010211not a code")
        val bad = vm.state.await("bad code") { it is PayState.Failed } as PayState.Failed
        assertTrue(bad.error.scanAgain)
    }

    @Test
    fun aPictureFromTheGalleryIsScannedAndAPictureWithoutACodeSaysSo() = runBlocking {
        val wallet = funded(1_000)
        val vm = PayViewModel(wallet, scope)
        val (png, _) = backend.orderPng("2.50 CNY")
        vm.onImage(png.readBytes())
        val confirm = vm.state.await("confirm") { it is PayState.Confirm || it is PayState.Failed }
        confirm as PayState.Confirm
        assertEquals(cny(250), confirm.quote.amount)

        vm.scanAgain()
        val blank = java.io.ByteArrayOutputStream().also {
            ImageIO.write(java.awt.image.BufferedImage(64, 64, java.awt.image.BufferedImage.TYPE_BYTE_GRAY), "png", it)
        }.toByteArray()
        vm.onImage(blank)
        val none = vm.state.await("no code") { it is PayState.Failed } as PayState.Failed
        assertEquals("No code found", none.error.title)
        assertTrue(none.error.scanAgain)

        vm.scanAgain()
        vm.onImage(byteArrayOf(1, 2, 3))
        val broken = vm.state.await("not an image") { it is PayState.Failed } as PayState.Failed
        assertEquals("No code found", broken.error.title)
    }

    /**
     * The payment went through but its answer was lost on the way back: the screen says
     * pending, asks the core again, and turns into the receipt: never a failure, never a
     * second payment.
     */
    @Test
    fun aPendingPaymentTurnsIntoTheReceiptOnceTheAnswerIsHad() = runBlocking {
        val wallet = funded(5_000)
        val lostAnswer = object : WalletInterface by wallet {
            override suspend fun resolve(payload: String): PreparedPayment {
                val real = wallet.resolve(payload)
                // uniffi's fake-object constructor: reads go to the real one, pay loses its answer.
                return object : PreparedPayment(NoHandle) {
                    override fun quote() = real.quote()
                    override fun claimedName() = real.claimedName()
                    override fun claimedAmount() = real.claimedAmount()
                    override fun nameMismatch() = real.nameMismatch()
                    override fun amountMismatch() = real.amountMismatch()
                    override fun needsAmount() = real.needsAmount()
                    override suspend fun pay(amount: Money?): PaymentOutcome {
                        val paid = real.pay(amount) as PaymentOutcome.Completed
                        return PaymentOutcome.Pending(paid.payment.intentId)
                    }
                }
            }
        }
        val vm = PayViewModel(lostAnswer, scope, pendingRetryMillis = 300)
        val (png, orderId) = backend.orderPng("4.20 CNY")
        vm.onImage(png.readBytes())
        vm.state.await("confirm") { it is PayState.Confirm }
        vm.confirm()
        val pending = vm.state.await("pending") { it !is PayState.Paying && it !is PayState.Confirm }
        assertTrue("$pending", pending is PayState.Pending)
        val done = vm.state.await("receipt") { it !is PayState.Pending } as PayState.Done
        assertEquals(orderId, done.payment.orderId)
        assertEquals(cny(5_000 - 420), done.payment.balance)
        assertEquals(cny(5_000 - 420), wallet.balance())
    }

    @Test
    fun homeShowsTheCacheThenFollowsEvents() = runBlocking {
        val wallet = funded(5_000)
        val home = HomeViewModel(wallet, scope)
        home.start()
        try {
            home.state.await("balance") { it.balance == cny(5_000) && !it.refreshing }
            val pay = PayViewModel(wallet, scope)
            pay.onPayload(backend.orderPng("1.00 CNY").first.let { wallet.scanImage(it.readBytes())[0].payload })
            pay.state.await("confirm") { it is PayState.Confirm }
            pay.confirm()
            pay.state.await("done") { it is PayState.Done }
            val after = home.state.await("event") { it.balance == cny(4_900) }
            assertEquals(TransactionKind.PAYMENT, after.recent.first().kind)
            assertEquals(TransactionKind.PAYMENT, after.lastEvent?.transaction?.kind)
        } finally {
            home.stop()
        }
        val history = HistoryViewModel(wallet, pageSize = 1)
        history.reload()
        assertEquals(1, history.state.value.transactions.size)
        history.loadMore()
        assertEquals(2, history.state.value.transactions.size)
    }

    @Test
    fun thePayCodeShowsRefreshesAfterAPaymentAndAsksAboveTheLimit() = runBlocking {
        val ada = funded(50_000)
        val till = Wallet.open(backend.walletDir(), backend.url, SoftwareKeyProtector())
        till.enroll("Tea House Ltd", "CNY", "till")
        till.registerMerchant("Lotus Tea Till", "Hangzhou", null)
        val vm = PayCodeViewModel(ada, scope, Locale.US, java.time.ZoneOffset.UTC)
        vm.start()
        val first = (vm.state.await("shown") { it is PayCodeState.Showing || it is PayCodeState.Failed } as PayCodeState.Showing).code
        assertEquals(18, first.digits.replace(" ", "").length)
        assertFalse("a screen reader never reads the digits", Regex("\\d{4}").containsMatchIn(first.spoken))
        assertTrue(first.offlineUntil.startsWith("Works offline until "))
        assertTrue(first.secondsLeft in 1..30)

        // The till charges it within the limit; told of the payment, the screen shows the next code.
        assertEquals(ChargeState.COMPLETED, till.chargePayCode(first.qrText, cny(800), "t4").state)
        ada.pollEvents(0u)
        vm.onPaymentSeen()
        val next = (vm.state.await("next") { it is PayCodeState.Showing && it.code.digits != first.digits } as PayCodeState.Showing).code

        // Above the limit the charge waits; the screen asks, naming the merchant escaped.
        val big = till.chargePayCode(next.digits.replace(" ", ""), cny(12_000), "dinner")
        assertEquals(ChargeState.AWAITING_CONFIRMATION, big.state)
        vm.onChargeWaiting()
        val ask = vm.state.await("asking") { it is PayCodeState.Asking || it is PayCodeState.Failed }
            .let { it as? PayCodeState.Asking ?: fail("not asking: $it") as PayCodeState.Asking }
        assertEquals(big.chargeId, ask.charge.chargeId)
        assertEquals("Pay CN¥120.00 to Lotus Tea Till?", ask.charge.question)
        assertTrue(ask.charge.spoken.contains("120.00 Chinese Yuan"))
        vm.confirm(ask.charge.chargeId)
        val paid = vm.state.await("answered") { it is PayCodeState.Answered || it is PayCodeState.Failed }
            .let { it as? PayCodeState.Answered ?: fail("not answered: $it") as PayCodeState.Answered }
        assertTrue(paid.paid)
        assertEquals("Paid CN¥120.00 to Lotus Tea Till", paid.message)
        assertEquals(cny(50_000 - 800 - 12_000), ada.balance())
        vm.dismiss()
        val after = vm.state.await("the code again") { it is PayCodeState.Showing && it.code.digits != next.digits }
        assertTrue(after is PayCodeState.Showing)
        vm.stop()

        // A name from elsewhere with a bidi override is shown escaped, never obeyed.
        val hostile = PayCodeViewModel.question(big.copy(merchantName = "Tea\u202eesuoH"), Locale.US)
        assertEquals("Pay CN¥120.00 to Tea\\u{202e}esuoH?", hostile.question)
        assertFalse(PayCodeViewModel.answered(big.copy(state = ChargeState.CANCELED), Locale.US).paid)
        assertEquals("Connect once", UiError.of(io.purse.core.PurseException.PayCodeUnavailable()).title)
    }

    /** The shop asks for a payout in its web console as a browser would: the link, the form, the post. */
    private fun askPayoutInConsole(link: String, amount: String) {
        val http = java.net.http.HttpClient.newHttpClient()
        val text = java.net.http.HttpResponse.BodyHandlers.ofString()
        val signIn = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI(link)).build(), text)
        val cookie = signIn.headers().firstValue("set-cookie").orElseThrow().substringBefore(';')
        val payouts = "${backend.url}/console/payouts"
        val page = http.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI(payouts)).header("cookie", cookie).build(),
            text,
        ).body()
        fun first(pattern: String) = Regex(pattern).find(page)?.groupValues?.get(1) ?: fail("no $pattern in $page") as String
        val form = mapOf(
            "csrf" to first("name=\"csrf\" value=\"([^\"]*)\""),
            "key" to first("name=\"key\" value=\"([^\"]*)\""),
            "amount" to amount,
            "source" to first("<option value=\"([^\"]*)\""),
        ).map { (k, v) -> "$k=${java.net.URLEncoder.encode(v, Charsets.UTF_8)}" }.joinToString("&")
        val posted = http.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI(payouts))
                .header("cookie", cookie)
                .header("content-type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(form)).build(),
            text,
        )
        assertEquals("the console took the payout: ${posted.body()}", 303, posted.statusCode())
    }

    @Test
    fun aPayoutTheConsoleAsksForIsAskedConfirmedAndDeclinedOnThePhone() = runBlocking {
        val shop = funded(10_000)
        shop.registerMerchant("Lotus Payouts", "Hangzhou", null)
        shop.linkBank("DE89 3704 0044 0532 0130 00", "Ada Lovelace")
        val vm = PayoutsViewModel(shop, scope, Locale.US)
        vm.start()
        // The notice brings the question up by itself.
        askPayoutInConsole(shop.consoleLink(120), "20.00")
        val ask = vm.state.await("asking") { it is PayoutPrompt.Asking || it is PayoutPrompt.Failed }
            .let { it as? PayoutPrompt.Asking ?: fail("not asking: $it") as PayoutPrompt.Asking }
        assertEquals("Pay out CN¥20.00 to Bank DE •••• 3000?", ask.payout.question)
        assertTrue(ask.payout.spoken.contains("20.00 Chinese Yuan"))
        assertEquals(cny(10_000), shop.balance())
        vm.confirm(ask.payout.payoutId)
        val done = vm.state.await("answered") { it is PayoutPrompt.Answered || it is PayoutPrompt.Failed }
            .let { it as? PayoutPrompt.Answered ?: fail("not answered: $it") as PayoutPrompt.Answered }
        assertTrue(done.paidOut)
        assertEquals("Paying out CN¥20.00: on its way to your bank", done.message)
        assertEquals(cny(8_000), shop.balance())
        vm.dismiss()
        vm.stop()

        askPayoutInConsole(shop.consoleLink(120), "5.00")
        vm.onPayoutWaiting()
        val second = vm.state.await("asking again") {
            (it is PayoutPrompt.Asking && it.payout.payoutId != ask.payout.payoutId) || it is PayoutPrompt.Failed
        }.let { it as? PayoutPrompt.Asking ?: fail("not asking: $it") as PayoutPrompt.Asking }
        vm.decline(second.payout.payoutId)
        val declined = vm.state.await("declined") { it is PayoutPrompt.Answered || it is PayoutPrompt.Failed }
        assertEquals(PayoutPrompt.Answered("Not paid out: you declined it", paidOut = false), declined)
        assertEquals(cny(8_000), shop.balance())
        assertTrue(shop.waitingPayouts().isEmpty())
    }

    @Test
    fun savingsAreShownInTheLocaleSpokenInWordsAndMovedInAndOut() = runBlocking {
        val ada = funded(600_000)
        val vm = SavingsViewModel(ada, scope, Locale.US)
        vm.moveIn("12.345", "CNY")
        assertTrue("three decimals refused", vm.state.value is SavingsState.Failed)
        vm.moveIn("5000", "CNY")
        val into = vm.state.await("moved in") { it is SavingsState.Moved || it is SavingsState.Failed } as SavingsState.Moved
        assertTrue(into.message, into.message.startsWith("${MoneyText.format(cny(500_000), Locale.US)} moved into savings; it earns from "))
        assertEquals("moved 5000.00 Chinese Yuan into savings", into.spoken)

        // Two days pass for the fund: the second one earns 0.22.
        backend.accrueAhead(2)
        vm.load()
        val shown = (vm.state.await("shown") { it is SavingsState.Shown || it is SavingsState.Failed } as SavingsState.Shown).view
        assertEquals(MoneyText.format(cny(500_022), Locale.US), shown.balance)
        assertEquals("savings 5000.22 Chinese Yuan", shown.balanceSpoken)
        assertEquals(MoneyText.format(cny(22), Locale.US), shown.totalIncome)
        assertEquals("0.4521", shown.lastReturn)
        assertNull("two days are not seven", shown.sevenDayYield)
        assertEquals(MoneyText.format(cny(1_000_000), Locale.US), shown.instantLeft)

        vm.moveOut("1000.00", "CNY")
        val out = vm.state.await("moved out") { it is SavingsState.Moved || it is SavingsState.Failed } as SavingsState.Moved
        assertEquals("${MoneyText.format(cny(100_000), Locale.US)} moved to your wallet", out.message)
        assertEquals(cny(200_000), out.move.balance)

        // The yield as each locale writes a percentage, and in words.
        assertEquals("1.6638%", SavingsViewModel.yieldText(16_638, Locale.US))
        assertEquals("1,6638\u00a0%", SavingsViewModel.yieldText(16_638, Locale.GERMANY))
        val week = SavingsViewModel.view(shown.savings.copy(sevenDayYieldPpm = 16_638), Locale.US)
        assertEquals("seven-day annualized yield 1.6638 percent", week.sevenDayYieldSpoken)
    }

    @Test
    fun aBillIsCheckedAsTypedFetchedConfirmedAndPaidAndAPhoneToppedUp() = runBlocking {
        val ada = funded(50_000)
        val vm = BillViewModel(ada, scope)
        val grid = ada.billers(io.purse.model.BillerCategory.ELECTRICITY).first { it.billerId == "cn_state_grid" }
        assertNotNull("a typo is marked as typed", vm.fieldError(grid, "1000000009"))
        assertNull(vm.fieldError(grid, "1000 0000 08"))
        vm.start(grid, "1000000009")
        assertNotNull((vm.state.value as BillState.Entering).fieldError)
        vm.start(grid, "1000 0000 08")
        val confirm = vm.state.await("confirm") { it is BillState.Confirm || it is BillState.Failed } as BillState.Confirm
        assertEquals(cny(23_560), confirm.amount)
        assertEquals("A** L*******", confirm.bill!!.customerName)
        vm.confirm()
        val done = vm.state.await("done") { it is BillState.Done || it is BillState.Failed } as BillState.Done
        assertEquals(io.purse.model.BillPaymentState.COMPLETED, done.payment.state)
        assertEquals(cny(50_000 - 23_560), done.payment.balance)

        vm.reset()
        vm.loadCatalogue()
        assertTrue(vm.catalogue.await("catalogue") { it.isNotEmpty() }.any { it.billerId == "in_airtel" })
        vm.findOperators("+91 98765 43210")
        val found = (vm.state.await("operators") { it is BillState.Operators || it is BillState.Failed } as BillState.Operators).lookup
        val airtel = found.operators.first { it.billerId == found.suggested }
        vm.topup(airtel, found.number, "ai_199")
        val quoted = vm.state.await("quoted") { it is BillState.Confirm || it is BillState.Failed } as BillState.Confirm
        assertEquals(Money(19_900, "INR"), quoted.quote!!.billerAmount)
        vm.confirm()
        val topped = vm.state.await("topped") { it is BillState.Done || it is BillState.Failed } as BillState.Done
        assertEquals(io.purse.model.BillPaymentState.PENDING, topped.payment.state)
        assertEquals(quoted.amount, topped.payment.amount)
    }

    @Test
    fun moneyIsFormattedFromMinorUnitsInTheUsersLocale() {
        assertEquals("CN¥12.34", MoneyText.format(cny(1234), Locale.US))
        assertEquals("¥1,234", MoneyText.format(Money(1234, "JPY"), Locale.US))
        assertEquals("0.05 Chinese Yuan", MoneyText.spoken(cny(5), Locale.US))
        assertEquals("sent 19.80 US Dollar", MoneyText.spokenChange(Money(-1980, "USD"), Locale.US))
        assertEquals("received 12.34 Chinese Yuan", MoneyText.spokenChange(cny(1234), Locale.US))
        // The digits come from the core's ISO 4217 table; Java 17 does not know UYW (4 digits)
        // at all, and that must not crash a screen or move the point.
        assertEquals("12.3456 UYW", MoneyText.format(Money(123456, "UYW"), Locale.US))
        assertEquals("received 12.3456 UYW", MoneyText.spokenChange(Money(123456, "UYW"), Locale.US))
        assertEquals("KWD1.500", MoneyText.format(Money(1500, "KWD"), Locale.US))
    }

    private suspend fun enrolledWithCode(): Pair<Wallet, String> {
        val w = Wallet.open(backend.walletDir(), backend.url, protector)
        return w to w.enroll("Kay", "CNY", "JVM phone").recoveryCode
    }

    @Test
    fun theRecoveryCodeIsShownOnceAndCheckedBeforeItIsForgotten() = runBlocking {
        val join = JoinViewModel(Wallet.open(backend.walletDir(), backend.url, protector), scope)
        join.create("Lu", "CNY", "JVM phone")
        val created = join.state.await("created") { it is JoinState.Created } as JoinState.Created
        val code = created.recoveryCode
        val vm = RecoveryCodeViewModel(code)
        assertEquals(7, (vm.state.value as RecoveryCodeState.Showing).groups.size)
        vm.written()
        vm.check("9" + code.drop(1))
        assertNotNull("a typo is named", (vm.state.value as RecoveryCodeState.Checking).problem)
        vm.showAgain()
        assertTrue(vm.state.value is RecoveryCodeState.Showing)
        vm.written()
        vm.check(code.lowercase().replace('-', ' '))
        assertEquals(RecoveryCodeState.Saved, vm.state.value)
        vm.showAgain()
        assertEquals("gone once saved", RecoveryCodeState.Saved, vm.state.value)
    }

    @Test
    fun aNewPhonePairsWhenThePhoneOfTheWalletApproves() = runBlocking {
        val (phone, _) = enrolledWithCode()
        val tablet = Wallet.open(backend.walletDir(), backend.url, protector)
        val join = JoinViewModel(tablet, scope, pollMillis = 100)
        join.resume()
        join.state.await("choosing") { it is JoinState.Choosing }
        join.pair("JVM tablet")
        val showing = join.state.await("code") { it is JoinState.ShowingCode } as JoinState.ShowingCode

        val devices = DevicesViewModel(phone, scope)
        devices.open(showing.offer.qr)
        val confirm = devices.state.await("confirm") { it.approving is ApproveStep.Confirm }
            .approving as ApproveStep.Confirm
        assertEquals("JVM tablet", confirm.request.deviceName)
        assertEquals(showing.offer.confirmation, confirm.request.confirmation)
        devices.approve()
        devices.state.await("added") { it.approving is ApproveStep.Added }
        devices.state.await("two devices") { it.devices.size == 2 }

        val joined = join.state.await("joined") { it is JoinState.Joined } as JoinState.Joined
        assertEquals(phone.account()!!.accountId, joined.account.accountId)
    }

    @Test
    fun aRecoveryWaitsAndThePhoneOfTheWalletStopsIt() = runBlocking {
        val (phone, code) = enrolledWithCode()
        val stranger = Wallet.open(backend.walletDir(), backend.url, protector)
        val join = JoinViewModel(stranger, scope, pollMillis = 100)
        join.useRecoveryCode()
        join.typed(code.dropLast(3))
        assertNotNull((join.state.value as JoinState.TypingCode).typo)
        join.typed(code)
        assertNull((join.state.value as JoinState.TypingCode).typo)
        join.recover(code, "Not Kay")
        join.state.await("cool-off") { it is JoinState.WaitingForCoolOff }

        val devices = DevicesViewModel(phone, scope)
        devices.refresh()
        val listed = devices.state.await("listed") { it.recoveries.isNotEmpty() }
        assertEquals("Not Kay", listed.recoveries[0].deviceName)
        devices.cancelRecovery(listed.recoveries[0].recoveryId)
        devices.state.await("stopped") { it.recoveries.isEmpty() }

        val failed = join.state.await("failed") { it is JoinState.Failed } as JoinState.Failed
        assertEquals("Recovery stopped", failed.error.title)

        devices.rotateRecoveryCode()
        val rotated = devices.state.await("new code") { it.newRecoveryCode != null }
        assertFalse(rotated.newRecoveryCode == code)
        devices.recoveryCodeShown()
        assertNull(devices.state.value.newRecoveryCode)
    }

    @Test
    fun sendByHandleThenPayAReceiveCodeThenARequest() = runBlocking {
        val ada = funded(5_000)
        val bo = Wallet.open(backend.walletDir(), backend.url, protector)
        bo.enroll("Bo Li", "CNY", "JVM phone")
        bo.setHandle("\$bo_vm")

        val send = SendViewModel(ada, scope)
        send.find("\$bo_vm", "12.x", "")
        assertNotNull("a bad amount is caught first", (send.state.value as SendState.Entering).notice)
        send.find("\$bo_vm", "12.50", "tickets")
        val confirm = send.state.await("confirm") { it is SendState.Confirm } as SendState.Confirm
        assertEquals("B* L*", confirm.recipient.maskedName)
        send.confirm()
        val done = send.state.await("done") { it is SendState.Done || it is SendState.Failed } as SendState.Done
        assertEquals(cny(5_000 - 1_250), done.transfer.balance)

        val receive = ReceiveViewModel(bo, scope)
        receive.show("3.00", "coffee")
        val code = receive.state.await("code") { it.payload != null }
        send.reset()
        send.fromCode(code.payload!!)
        val scanned = send.state.await("scanned") { it is SendState.Confirm } as SendState.Confirm
        assertEquals(cny(300), scanned.amount)
        assertNull(scanned.warning)
        send.confirm()
        send.state.await("paid") { it is SendState.Done }
        receive.rotate()
        receive.state.await("rotated") { it.codeId != code.codeId && it.codeId != null }
        send.fromCode(code.payload!!)
        val dead = send.state.await("dead") { it is SendState.Failed } as SendState.Failed
        assertEquals("Refused", dead.error.title)

        val asks = RequestsViewModel(bo, scope)
        ada.setHandle("\$ada_vm")
        asks.ask("\$ada_vm", "2.00", "cinema")
        asks.state.await("sent") { it.sent.isNotEmpty() }
        val inbox = RequestsViewModel(ada, scope)
        inbox.refresh()
        val got = inbox.state.await("inbox") { it.inbox.isNotEmpty() }
        inbox.pay(got.inbox[0])
        inbox.state.await("paid") { s -> s.paying == null && s.inbox.firstOrNull()?.state == io.purse.model.RequestState.PAID }
        assertEquals(cny(1_250 + 300 + 200), bo.balance())
    }
}
