package io.purse.core

import io.purse.model.*
import io.purse.testing.LiveBackendRule
import io.purse.testing.MemorySecureStore
import io.purse.testing.SoftwareKeyProtector
import java.util.concurrent.CountDownLatch
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import javax.imageio.ImageIO
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.ClassRule
import org.junit.Test

/** Collects events the core hands over on its own threads. */
class QueueListener : EventListener {
    val events = LinkedBlockingQueue<Event>()
    val notices = LinkedBlockingQueue<Notice>()
    val errors = LinkedBlockingQueue<String>()
    override fun onEvent(event: Event) { events.put(event) }
    override fun onNotice(notice: Notice) { notices.put(notice) }
    override fun onError(reason: String) { errors.put(reason) }
}

/** Tells the test when the user has approved the payment key, so it can walk away then. */
class SignalingProtector(
    private val inner: SoftwareKeyProtector,
    private val onPaymentApproved: () -> Unit,
) : KeyProtector by inner {
    override fun unwrap(kind: KeyKind, wrapped: ByteArray, reason: String): ByteArray =
        inner.unwrap(kind, wrapped, reason).also { if (kind == KeyKind.PAYMENT) onPaymentApproved() }
}

/**
 * The Kotlin bindings against a live reference backend on loopback: the real native
 * library, the real HTTP API, a merchant order rendered to PNG by the `purse` CLI.
 */
class WalletTest {
    companion object {
        @get:ClassRule @JvmStatic
        val liveBackend = LiveBackendRule()

        fun orderPng(amount: String) = liveBackend.get().orderPng(amount)
    }

    private val backend get() = liveBackend.get()

    private fun cny(minor: Long) = Money(minor, "CNY")

    private fun newWallet(protector: KeyProtector = SoftwareKeyProtector()): Wallet =
        Wallet.open(backend.walletDir(), backend.url, protector)

    private suspend fun fundedWallet(protector: SoftwareKeyProtector, name: String, amount: Money): Wallet {
        val w = newWallet(protector)
        w.enroll(name, "CNY", "JVM test phone")
        val card = w.linkCard("4242 4242 4242 4242", 12u, 2030u)
        w.topup(card.sourceId, amount)
        return w
    }

    @Test
    fun failedUnlocksAreCountedWhereACopyOfTheFolderCannotResetThem() = runBlocking {
        val protector = SoftwareKeyProtector()
        val store = MemorySecureStore()
        val dir = backend.walletDir()
        val wallet = Wallet.open(dir, backend.url, protector, store)
        wallet.enroll("Lin", "CNY", "JVM test phone")
        val card = wallet.linkCard("4242 4242 4242 4242", 12u, 2030u)
        wallet.topup(card.sourceId, cny(1_000))
        val before = java.io.File(backend.walletDir())
        java.io.File(dir).copyRecursively(before, overwrite = true)
        val (png, _) = orderPng("1.00 CNY")
        val prepared = wallet.resolve(wallet.scanImage(png.readBytes())[0].payload)

        protector.decision = SoftwareKeyProtector.Decision.DENY
        repeat(3) {
            try {
                prepared.pay(null)
                fail("an unrecognised biometric paid")
            } catch (e: PurseException.Authentication) {
            }
        }
        assertTrue(store.values.keys.any { it.startsWith("lockout:") })
        // The folder as it was before the failures, put back, and the app started again.
        wallet.close()
        java.io.File(dir).deleteRecursively()
        before.copyRecursively(java.io.File(dir))
        protector.decision = SoftwareKeyProtector.Decision.APPROVE
        val again = Wallet.open(dir, backend.url, protector, store)
        val retry = again.resolve(again.scanImage(png.readBytes())[0].payload)
        try {
            retry.pay(null)
            fail("the lockout was reset by a copy of the folder")
        } catch (e: PurseException.LockedOut) {
            assertTrue(e.retryAfterSecs > 0)
        }
    }

    @Test
    fun scanResolvePayAndHearAboutIt() = runBlocking {
        val protector = SoftwareKeyProtector()
        val wallet = fundedWallet(protector, "Ada", cny(10_000))
        assertEquals(cny(10_000), wallet.balance())
        val listener = QueueListener()
        val subscription = wallet.followEvents(listener)
        try {
            // The top-up arrives first on the stream.
            val topup = listener.events.poll(20, TimeUnit.SECONDS) ?: fail("no top-up event")
            assertEquals(TransactionKind.TOPUP, (topup as Event).transaction.kind)

            val (png, orderId) = orderPng("12.34 CNY")
            val codes = wallet.scanImage(png.readBytes())
            assertEquals(1, codes.size)
            val prepared = wallet.resolve(codes[0].payload)
            val quote = prepared.quote()
            assertEquals("Tea House", quote.merchantName)
            assertEquals(cny(1234), quote.amount)
            assertEquals(orderId, quote.orderId)
            assertFalse(prepared.nameMismatch())
            assertFalse(prepared.needsAmount())

            val promptsBefore = protector.prompts.size
            val outcome = prepared.pay(null)
            assertTrue("the payment key was asked for", protector.prompts.size > promptsBefore)
            assertTrue(protector.prompts.last().contains("Tea House"))
            val payment = (outcome as PaymentOutcome.Completed).payment
            assertEquals(cny(1234), payment.amount)
            assertEquals(cny(10_000 - 1234), payment.balance)
            assertEquals(orderId, payment.orderId)

            val event = listener.events.poll(20, TimeUnit.SECONDS) ?: fail("no payment event")
            event as Event
            assertEquals(TransactionKind.PAYMENT, event.transaction.kind)
            assertEquals(cny(-1234), event.transaction.amount)
            assertEquals(cny(10_000 - 1234), event.balance)

            assertEquals(cny(10_000 - 1234), wallet.balance())
            wallet.syncHistory()
            val history = wallet.history(10u, null).data
            assertEquals(listOf(TransactionKind.PAYMENT, TransactionKind.TOPUP), history.map { it.kind })
            assertEquals("Tea House", history[0].counterparty)

            // Paying the same order again is refused, with the backend's code.
            try {
                wallet.resolve(codes[0].payload).pay(null)
                fail("a paid order was paid again")
            } catch (e: PurseException.PaymentRefused) {
                assertEquals("order_already_paid", e.code)
            }
        } finally {
            subscription.cancel()
        }
        assertFalse(subscription.isActive())
    }

    @Test
    fun aCameraFrameIsScannedFromItsLumaPlane() {
        val (png, _) = orderPng("5.00 CNY")
        val image = ImageIO.read(png)
        // A camera hands rows padded to a stride; build such a Y plane from the PNG.
        val stride = image.width + 32
        val luma = ByteArray(stride * image.height)
        for (y in 0 until image.height) for (x in 0 until image.width) {
            val rgb = image.getRGB(x, y)
            val g = ((rgb shr 16 and 0xff) * 299 + (rgb shr 8 and 0xff) * 587 + (rgb and 0xff) * 114) / 1000
            luma[y * stride + x] = g.toByte()
        }
        val found = scanLumaFrame(luma, image.width.toUInt(), image.height.toUInt(), stride.toUInt(), 0u)
        assertNotNull(found)
        assertTrue(found!!.payload.startsWith("000201"))
        assertEquals(8, found.corners.size)
        // A portrait phone's frames arrive with rotationDegrees 90: corners in the upright
        // preview, where (x, y) on the sensor lands at (height - 1 - y, x).
        val turned = scanLumaFrame(luma, image.width.toUInt(), image.height.toUInt(), stride.toUInt(), 90u)!!
        assertEquals(found.payload, turned.payload)
        assertEquals(image.height - 1 - found.corners[1], turned.corners[0])
        assertEquals(found.corners[0], turned.corners[1])

        val blank = ByteArray(640 * 480) { 0x80.toByte() }
        assertNull(scanLumaFrame(blank, 640u, 480u, 640u, 0u))
        try {
            scanLumaFrame(ByteArray(10), 640u, 480u, 640u, 0u)
            fail("a short buffer was accepted")
        } catch (e: PurseException.UnreadableImage) {
            assertTrue(e.reason.contains("needs"))
        }
        try {
            scanLumaFrame(luma, image.width.toUInt(), image.height.toUInt(), stride.toUInt(), 45u)
            fail("a 45 degree rotation was accepted")
        } catch (e: PurseException.InvalidInput) {
            assertTrue(e.reason.contains("45"))
        }
    }

    @Test
    fun typedErrorsAreKotlinExceptions() = runBlocking {
        val protector = SoftwareKeyProtector()
        val wallet = fundedWallet(protector, "Bob", cny(500))
        val (png, _) = orderPng("12.34 CNY")
        val prepared = wallet.resolve(wallet.scanImage(png.readBytes())[0].payload)

        protector.decision = SoftwareKeyProtector.Decision.CANCEL
        try {
            prepared.pay(null)
            fail("a cancelled biometric paid")
        } catch (e: PurseException.Cancelled) {
        }
        protector.decision = SoftwareKeyProtector.Decision.DENY
        try {
            prepared.pay(null)
            fail("an unrecognised biometric paid")
        } catch (e: PurseException.Authentication) {
            assertTrue(e.reason.contains("not recognised"))
        }
        protector.decision = SoftwareKeyProtector.Decision.APPROVE
        try {
            prepared.pay(null)
            fail("paid more than the balance")
        } catch (e: PurseException.InsufficientFunds) {
            assertTrue(e.reason.isNotEmpty())
            assertTrue("the backend's request id, for support", e.requestId!!.startsWith("req_"))
        }
        assertEquals(cny(500), wallet.balance())

        // The core's watcher says Pending first, then that it cannot follow an intent this
        // wallet never sent: a typed error, not a failed payment.
        val updates = LinkedBlockingQueue<PaymentUpdate>()
        val watch = wallet.watchPayment("pi_unknown", 10u, object : PaymentListener {
            override fun onUpdate(update: PaymentUpdate) { updates.put(update) }
        })
        assertTrue(updates.poll(20, TimeUnit.SECONDS) is PaymentUpdate.Pending)
        val last = updates.poll(20, TimeUnit.SECONDS) as PaymentUpdate.Unresolved
        assertTrue(last.error is PurseException.InvalidInput)
        withTimeout(5_000) { while (watch.isActive()) delay(10) }

        try {
            wallet.resolve("000201010212not a payment code")
            fail("a broken code resolved")
        } catch (e: PurseException.InvalidCode) {
        }
        try {
            wallet.scanImage("not an image".toByteArray())
            fail("garbage decoded as an image")
        } catch (e: PurseException.UnreadableImage) {
        }
        // Money whose currency the core does not know never gets in: the call fails before
        // it runs (a shell bug; money in a shell comes from the core).
        try {
            wallet.topup("src_nope", Money(100, "XYZ"))
            fail("a made-up currency was accepted")
        } catch (e: InternalException) {
            assertTrue(e.message!!.contains("XYZ"))
        }
        try {
            currencyDigits("XYZ")
            fail("a made-up currency has digits")
        } catch (e: PurseException.InvalidInput) {
        }
        assertEquals(cny(1234), parseMoney("12.34 CNY"))
        assertEquals("12.34 CNY", formatMoney(cny(1234)))
    }

    /**
     * The user confirms, then the screen goes away (its coroutine scope is cancelled) while
     * the payment is being signed and sent. The core finishes what the user approved: the
     * payment settles, once, and the wallet knows it.
     */
    @Test
    fun aPaymentWhoseScreenWentAwaySettlesOnce() = runBlocking {
        val approved = CountDownLatch(1)
        val soft = SoftwareKeyProtector()
        val w = newWallet(SignalingProtector(soft) { approved.countDown() })
        w.enroll("Dee", "CNY", "JVM test phone")
        w.topup(w.linkCard("4242 4242 4242 4242", 12u, 2030u).sourceId, cny(10_000))
        val (png, orderId) = orderPng("7.00 CNY")
        val payload = w.scanImage(png.readBytes())[0].payload
        val prepared = w.resolve(payload)

        val screen = launch(Dispatchers.Default) { prepared.pay(null) }
        assertTrue("the prompt came up", approved.await(20, TimeUnit.SECONDS))
        screen.cancelAndJoin()

        withTimeout(20_000) {
            while (w.balance() != cny(10_000 - 700)) {
                w.reconcile()
                delay(50)
            }
        }
        assertEquals(0u, w.reconcile())
        w.syncHistory()
        val payments = w.history(10u, null).data.filter { it.kind == TransactionKind.PAYMENT }
        assertEquals(1, payments.size)
        assertEquals(orderId, payments[0].orderId)
        try {
            w.resolve(payload).pay(null)
            fail("a paid order was paid again")
        } catch (e: PurseException.PaymentRefused) {
            assertEquals("order_already_paid", e.code)
        }
    }

    /**
     * A second device from Kotlin: the phone approves the tablet's pairing code after both
     * show one number; then a stranger with the recovery code starts a recovery, the phone
     * hears of it and stops it, and a rotated code leaves the old one dead.
     */
    @Test
    fun pairAndStopARecoveryFromKotlin() = runBlocking {
        val phone = newWallet()
        val enrollment = phone.enroll("Kay", "CNY", "JVM phone")
        assertEquals(34, enrollment.recoveryCode.length)
        checkRecoveryCode(enrollment.recoveryCode.lowercase())
        try {
            checkRecoveryCode("9" + enrollment.recoveryCode.drop(1))
            fail("a typo passed")
        } catch (e: PurseException.CodeTypo) {
        }

        val tablet = newWallet()
        val offer = tablet.startPairing("JVM tablet")
        val request = phone.openPairing(offer.qr)
        assertEquals("JVM tablet", request.deviceName)
        assertEquals(offer.confirmation, request.confirmation)
        try {
            phone.approvePairing(offer.code, if (offer.confirmation == "000000") "000001" else "000000")
            fail("a wrong number was accepted")
        } catch (e: PurseException.ConfirmationMismatch) {
        }
        assertEquals("JVM tablet", phone.approvePairing(offer.code, offer.confirmation).name)
        val joined = tablet.checkJoin() as JoinProgress.Joined
        assertEquals(enrollment.account.accountId, joined.account.accountId)
        assertEquals(2, tablet.devices().size)
        assertTrue(phone.pollEvents(0u).notices.any { it.kind == NoticeKind.DEVICE_ADDED })

        val stranger = newWallet()
        val recovery = stranger.startRecovery(enrollment.recoveryCode, "Not Kay")
        assertEquals(RecoveryState.WAITING, recovery.state)
        assertTrue(stranger.checkJoin() is JoinProgress.Waiting)
        val notice = phone.pollEvents(0u).notices.single()
        assertEquals(NoticeKind.RECOVERY_STARTED, notice.kind)
        assertEquals(recovery.completesAt, notice.completesAt)
        assertEquals(listOf(recovery.recoveryId), phone.recoveries().map { it.recoveryId })
        assertEquals(RecoveryState.CANCELLED, phone.cancelRecovery(recovery.recoveryId).state)
        try {
            stranger.checkJoin()
            fail("a cancelled recovery joined")
        } catch (e: PurseException.RecoveryCancelled) {
        }

        val rotated = tablet.rotateRecoveryCode()
        assertFalse(rotated == enrollment.recoveryCode)
        try {
            newWallet().startRecovery(enrollment.recoveryCode, "late")
            fail("the old code still works")
        } catch (e: PurseException.RecoveryCodeWrong) {
        }
    }

    /** Handles and proven contacts from Kotlin; a finder sees a masked name only. */
    @Test
    fun peopleAreFoundMaskedAndPaidByHandle() = runBlocking {
        val bo = newWallet()
        bo.enroll("Bo Li", "CNY", "JVM phone")
        val handle = "\$bo_kotlin"
        assertEquals(handle, bo.setHandle(handle.uppercase()).handle)
        val challenge = bo.addContact(ContactKind.PHONE, "+44 7911 123456")
        assertTrue(challenge.value.startsWith("+447911"))
        val code = Regex("\\b\\d{6}\\b").find(bo.sandboxMessages().first().body)!!.value
        assertEquals(challenge.value, bo.verifyContact(challenge.challengeId, code).phone)

        val ada = newWallet()
        ada.enroll("Ada", "CNY", "JVM phone")
        val byHandle = ada.findRecipient(handle)
        assertEquals("B* L*", byHandle.maskedName)
        assertEquals(byHandle, ada.findRecipient(challenge.value))
        val card = ada.linkCard("4242 4242 4242 4242", 12u, 2030u)
        ada.topup(card.sourceId, cny(5_000))
        val sent = ada.send(byHandle, cny(1_250), "for the tickets") as TransferOutcome.Completed
        assertEquals(cny(3_750), sent.transfer.balance)
        assertEquals(TransactionKind.TRANSFER_OUT, sent.transfer.transaction.kind)
        assertEquals(cny(1_250), bo.balance())
        val shown = bo.receiveCode(cny(500), "snacks")
        val quote = ada.resolvePerson(shown.payload)
        assertEquals(byHandle, quote.recipient)
        assertFalse(quote.nameMismatch)
        ada.send(quote.recipient, quote.claimedAmount!!, quote.note ?: "") as TransferOutcome.Completed
        assertEquals(cny(1_750), bo.balance())
        val asked = bo.requestMoney(ada.findRecipient(ada.setHandle("\$ada_kotlin").handle!!), cny(300), "cinema")
        assertEquals(RequestState.OPEN, asked.state)
        val inbox = ada.requests(true)
        assertEquals(listOf(asked.requestId), inbox.map { it.requestId })
        ada.payRequest(inbox[0]) as TransferOutcome.Completed
        assertEquals(cny(2_050), bo.balance())
        // Bo withdraws to a bank account whose number ends in 0003: the sandbox bank returns it.
        val bank = bo.linkBank("DE13370400440532010003", "Bo Li")
        val held = (bo.withdraw(bank.sourceId, cny(1_000)) as WithdrawOutcome.Completed).withdrawal
        assertEquals(WithdrawalState.PENDING, held.state)
        assertEquals(cny(1_050), bo.balance())
        assertEquals(WithdrawalState.RETURNED, bo.sandboxSettleWithdrawals().single().state)
        assertEquals(cny(2_050), bo.balance())
        try {
            ada.payRequest(inbox[0])
            fail("a request was paid twice")
        } catch (e: PurseException.Refused) {
            assertEquals("request_not_open", e.code)
        }
        try {
            ada.send(byHandle, cny(1_250), "bad \u202E note")
            fail("a bidi override passed")
        } catch (e: PurseException.InvalidInput) {
        }
        try {
            ada.setHandle(handle)
            fail("a taken handle was given again")
        } catch (e: PurseException.Refused) {
            assertEquals("handle_taken", e.code)
        }
        try {
            ada.findRecipient("\$nobody_here")
            fail("found nobody")
        } catch (e: PurseException.Refused) {
            assertEquals("recipient_not_found", e.code)
        }
    }

    @Test
    fun billsAndTopUpsFromKotlin() = runBlocking {
        val ada = fundedWallet(SoftwareKeyProtector(), "Ada", cny(60_000))
        val grid = ada.billers(BillerCategory.ELECTRICITY).first { it.billerId == "cn_state_grid" }
        // A screen checks the field as it is typed, offline.
        assertEquals("1000000008", checkReference(grid, "1000 0000 08"))
        try {
            checkReference(grid, "1000000009")
            fail("a wrong check digit passed")
        } catch (e: PurseException.InvalidBill) {
            assertEquals("reference_bad_check_digit", e.code)
        }
        val bill = ada.fetchBill(grid, "1000000008")
        assertEquals(cny(23_560), bill.amountDue)
        val part = (ada.payBill(grid, bill.reference, cny(3_560), bill.amountDue) as BillOutcome.Completed).billPayment
        assertEquals(BillPaymentState.COMPLETED, part.state)
        assertNotNull(part.confirmation)
        try {
            ada.payBill(grid, bill.reference, cny(30_000), bill.amountDue)
            fail("more than due was paid")
        } catch (e: PurseException.InvalidBill) {
            assertEquals("amount_above_due", e.code)
        }
        // A scanned QR-bill in francs: quoted, then paid once.
        val scanned = ada.scannedBill(
            listOf(
                "SPC", "0200", "1", "CH4431999123000889012", "S", "ewz", "Tramstrasse", "35", "8050",
                "Zürich", "CH", "", "", "", "", "", "", "", "12.40", "CHF", "S", "Ada", "Seestrasse",
                "1", "8002", "Zürich", "CH", "QRR", "000000000003139471430009023", "", "EPD",
            ).joinToString("\n"),
        )
        assertEquals("ch_ewz", scanned.biller.billerId)
        val quote = ada.quoteBill(scanned.biller, scanned.reference, null, scanned.amount)
        assertEquals(cny(10_266), quote.debit)
        ada.payQuoted(scanned.biller, quote) as BillOutcome.Completed
        // A top-up: the operator suggested by the prefix, held until it credits the number.
        val found = ada.topupOperators("+86 138 0013 8000")
        assertEquals("cn_china_mobile", found.suggested)
        val mobile = found.operators.first { it.billerId == found.suggested }
        val held = (ada.topupPhone(mobile, found.number, "cm_50", null) as BillOutcome.Completed).billPayment
        assertEquals(BillPaymentState.PENDING, held.state)
        val after = ada.sandboxAdvanceBillers().first { it.intentId == held.intentId }
        assertEquals(BillPaymentState.COMPLETED, after.state)
        val saved = ada.saveBiller(grid, "1000000008", "Home")
        assertEquals(cny(23_560), ada.dueBills().single().bill!!.amountDue)
        assertTrue(ada.forgetBiller(saved.savedId).isEmpty())
        assertEquals(3, ada.billPayments().size)
    }

    @Test
    fun savingsFromKotlin() = runBlocking {
        val ada = fundedWallet(SoftwareKeyProtector(), "Ada", cny(600_000))
        val into = (ada.moveSavings(SavingsDirection.IN, cny(500_000)) as SavingsOutcome.Completed).savingsMove
        assertEquals(SavingsMoveState.COMPLETED, into.state)
        assertEquals(cny(100_000), into.balance)
        assertNotNull(into.earnsFrom)
        assertEquals(cny(500_000), ada.savings().notYetEarning)
        // Two days pass for the fund: the day it came in earns nothing, the next does.
        val report = liveBackend.get().accrueAhead(2)
        assertTrue(report, report.contains("\"per_10k\":4521"))
        val s = ada.savings()
        assertEquals(cny(22), s.totalIncome)
        assertEquals(cny(500_022), s.balance)
        assertEquals(cny(1_000_000), s.instantCap)
        val out = (ada.moveSavings(SavingsDirection.OUT, cny(100_000)) as SavingsOutcome.Completed).savingsMove
        assertEquals(cny(100_000), out.instant)
        assertEquals(cny(200_000), out.balance)
        assertEquals(cny(400_022), out.savingsBalance)
        try {
            ada.moveSavings(SavingsDirection.OUT, cny(400_023))
            fail("more than savings hold was redeemed")
        } catch (e: PurseException.PaymentRefused) {
            assertEquals("savings_insufficient", e.code)
        }
        val history = ada.savingsHistory(10u, null)
        assertEquals(TransactionKind.SAVINGS_OUT, history.first().transaction.kind)
        assertTrue(history.any { it.transaction.kind == TransactionKind.SAVINGS_INCOME })
        assertEquals(cny(400_022), history.first().balance)
    }

    @Test
    fun payCodeFromKotlin() = runBlocking {
        val ada = fundedWallet(SoftwareKeyProtector(), "Ada", cny(50_000))
        val till = newWallet()
        till.enroll("Tea House Ltd", "CNY", "till")
        till.registerMerchant("Jade Tea Till", "Hangzhou", null)

        val shown = ada.payCode()
        assertEquals(18, shown.digits.length)
        assertTrue(shown.digits.startsWith("29"))
        assertEquals(shown.digits, shown.grouped.replace(" ", ""))
        assertTrue(shown.secondsLeft in 1..30)
        val charged = till.chargePayCode(shown.qrText, cny(800), "table 4")
        assertEquals(ChargeState.COMPLETED, charged.state)
        assertEquals("Jade Tea Till", charged.merchantName)
        try {
            till.chargePayCode(shown.digits, cny(800), "table 4")
            fail("a code was charged twice")
        } catch (e: PurseException.PaymentRefused) {
            assertEquals("paycode_used", e.code)
        }

        // The phone hears of the charge; its next code shows at once and waits above the limit.
        ada.pollEvents(0u)
        val next = ada.payCode()
        assertFalse(next.digits == shown.digits)
        assertEquals(cny(5_000), ada.payCodeLimit(null).limit)
        val big = till.chargePayCode(next.digits, cny(12_000), "dinner")
        assertEquals(ChargeState.AWAITING_CONFIRMATION, big.state)
        assertEquals(listOf(big.chargeId), ada.waitingCharges().map { it.chargeId })
        val done = ada.confirmCharge(big.chargeId)
        assertEquals(ChargeState.COMPLETED, done.state)
        assertNotNull(done.transaction)
        assertEquals(ChargeState.COMPLETED, till.payCodeCharge(big.chargeId).state)
        assertEquals(cny(50_000 - 800 - 12_000), ada.balance())
        assertEquals(cny(0), ada.payCodeLimit(cny(0)).limit)
        try {
            ada.declineCharge(big.chargeId)
            fail("a charged charge was declined")
        } catch (e: PurseException.PaymentRefused) {
            assertEquals("charge_not_waiting", e.code)
        }
    }

    @Test
    fun aMerchantSellsAndRefundsFromKotlin() = runBlocking {
        val shop = newWallet()
        shop.enroll("Noodle Bar Ltd", "CNY", "till")
        val reg = shop.registerMerchant("Noodle Bar", "Hangzhou", null)
        assertTrue(reg.webhookSecret.startsWith("whsec_"))
        assertEquals("Noodle Bar", reg.merchant.displayName)
        assertTrue(reg.merchant.staticPayload.startsWith("000201"))
        val order = shop.createOrder(cny(2_500), "ramen", 600L)
        assertEquals(OrderState.WAITING, order.state)

        val payer = fundedWallet(SoftwareKeyProtector(), "Cy", cny(5_000))
        val paid = payer.resolve(order.payload).pay(null) as PaymentOutcome.Completed
        assertEquals("Noodle Bar", paid.payment.merchantName)

        assertEquals(OrderState.PAID, shop.order(order.orderId).state)
        assertEquals(listOf(order.orderId), shop.orders(10u, null).map { it.orderId })
        val refund = shop.refund(order.orderId, cny(1_000), "one bowl short")
        assertEquals(OrderState.REFUNDED, refund.order.state)
        assertEquals(cny(1_000), refund.order.amountRefunded)
        assertEquals(cny(1_500), refund.balance)
        assertEquals(cny(1_000), refund.transaction.amount.let { Money(-it.minor, it.currency) })
        assertEquals(cny(5_000 - 2_500 + 1_000), payer.balance())
        try {
            shop.refund(order.orderId, cny(2_000), "too much")
            fail("refunded more than was paid")
        } catch (e: PurseException.PaymentRefused) {
            assertEquals("refund_exceeds_payment", e.code)
        }
    }
}
