# The merchant console's words in English: the reference catalogue. Every other
# catalogue has exactly these messages (a unit test checks), and takes the same variables.
# Amounts, times and names arrive already written for the reader; none is ever HTML.

## Every page

console = Purse console
skip-to-content = Skip to content
nav-label = Console
nav-today = Today
nav-orders = Orders
nav-till = Till
nav-payouts = Payouts
nav-poster = Poster
nav-developers = Developers
sign-out = Sign out
new-link = Run { $command } on the shop's device for a new sign-in link.
created-utc = Created (UTC)
amount = Amount
amount-in = Amount ({ $currency })
description = Description
state = State
bank-account = Bank account
enter-amount = enter the amount in { $currency }
not-an-amount = “{ $text }” is not an amount in { $currency }

## Today

today-sales = Sales
today-payments = Payments
today-refunds = Refunds
today-live = Payments as they arrive
today-none = No payments yet today.
today-time = Time (UTC)
today-what = What
today-from = From
kind-payment = Payment
kind-refund = Refund

## Orders

orders-new = New order
orders-description-optional = Description (optional)
orders-create = Create order
orders-recent = Recent orders
orders-show = Show
orders-filter = Filter
orders-none = No orders here.
orders-order = Order
orders-older = Older orders
filter-all = All orders
filter-waiting = Waiting
filter-paid = Paid
filter-refunded = Refunded
filter-closed = Closed
order-title = Order { $id }
order-heading = Order { $id }: { $amount }
order-waiting = Waiting for payment
order-paid = Paid
order-closed = Closed
order-refunded = Refunded
order-refunded-amount = Refunded
order-no-such = No such order
order-no-such-text = This shop has no such order.
order-invalid-amount = an order must be more than zero and at most { $max }

## Refunds

refund = Refund
refund-amount-at-most = Amount ({ $currency }, at most { $left })
refund-reason = Reason (the payer sees it)
refund-review = Review refund
refund-confirm-title = Confirm refund
refund-confirm-heading = Refund { $amount }?
refund-confirm-text = { $amount } of order { $order } goes back to the payer now, from the shop's balance. It cannot be undone.
refund-confirm-reason = Reason shown to the payer: { $reason }
refund-button = Refund { $amount }
cancel = Cancel
refund-done = Refunded: the payer has the money back.
refund-from-page = Confirm the refund from its page.
refund-positive = a refund is a positive amount in { $currency }
refund-not-paid = only a paid order can be refunded
refund-exceeds = at most { $left } of this order can still be refunded
refund-balance-low = the shop's balance is too low for this refund

## Text a payer or customer will read

text-reason = reason: { $problem }
text-description = description: { $problem }
text-empty = must not be empty
text-too-long = must be at most { $max } characters
text-control = must not contain control characters
text-invisible = must not contain direction overrides or invisible characters ({ $char })

## Till

till-reference-optional = Your reference (optional)
till-code = Customer's pay code (type it, or scan it)
till-charge = Charge
till-default-reference = Till
till-from-page = Send the sale from the till's page.
till-sent-already = This sale was sent already; see Today for how it went.
charge-paid = Paid
charge-waiting = Waiting for the customer to confirm on their phone
charge-canceled = Not paid: the customer declined, or the minute ran out
charge-no-such = No such charge
charge-no-such-text = This shop made no such charge.
paycode-invalid = not a pay code of now; ask the customer to show the code again
paycode-used = this code was charged already; ask the customer for the next one
paycode-stale = this code has expired; ask the customer for the code on the screen now
paycode-expired = the customer's phone must go online to refresh its pay codes
paycode-revoked = this phone was removed from its account
paycode-self = a shop cannot charge its own account

## Limits, for a sale or a payout

over-per-payment = a single payment may be at most { $limit }
over-per-payout = a single payout may be at most { $limit }
over-per-day = the daily limit is { $limit }; { $spent } paid today already
over-after-recovery = this device was recovered lately: it may pay at most { $limit } a day for now
over-funds-payment = the customer's balance is too low for this payment
over-funds-payout = the balance is too low for this payout

## Payouts

payouts-balance = Balance:
payouts-new = Pay out to the bank
payouts-explain = The console only asks: the shop's phone confirms each payout with its payment key (in the app, or { $command }), within ten minutes.
payouts-no-bank = The shop has no bank account linked yet. Link one from the shop's phone first.
payouts-ask = Ask the phone to pay out
payouts-recent = Recent payouts
payouts-none = No payouts yet.
payouts-asked = Asked (UTC)
payouts-from-page = Ask for the payout from the payouts page.
payouts-not-a-bank = choose one of the shop's bank accounts
payout-waiting = Waiting for the shop's phone to confirm
payout-paid = Paid out
payout-returned = Returned by the bank: the money is back in the balance
payout-confirmed = Confirmed: on its way to the bank
payout-declined = Declined on the shop's phone
payout-expired = Not confirmed in time
payout-no-such = No such payout
payout-no-such-text = This shop asked for no such payout.

## Poster

poster-heading = Your shop's code
poster-text = Print it and put it by the till: a payer scans it and types the amount.
poster-alt = The shop's payment code, with { $shop } under it
poster-svg = Download the poster (SVG)
poster-png = Download the poster (PNG)
poster-no-font = No font for this name
poster-no-font-text = No font on this server has the character { $char }, so a PNG would print the name with a gap. The SVG poster carries the name in any script; or ask whoever runs the backend to install fonts that cover it.

## Developers

dev-endpoint = Webhook endpoint
dev-endpoint-text = Purse posts { $paid } and { $refunded } here, signed (Standard Webhooks).
dev-address = Address (https; empty for none)
dev-save = Save address
dev-saved = Saved: webhooks go to the new address.
dev-bad-address = This address cannot take webhooks: { $problem }
dev-secret = Signing secret
dev-secret-new = Your new signing secret, shown this once: copy it to your server now.
dev-secret-old = The secret was shown once, when it was made. A new one replaces it at once.
dev-secret-make = Make a new secret
dev-messages = Messages sent
dev-none = No messages yet.
dev-event = Event
dev-status = Status
dev-attempts = Attempts
dev-last-error = Last error
dev-action = Action
dev-resend = Resend
dev-resend-label = Resend the { $event } message of { $created }
dev-resent = The message is due again: it goes out within seconds.
dev-delivered = Delivered
dev-waiting = Waiting
dev-failing = Failing, retried
dev-no-such = No such message
dev-no-such-text = This shop sent no such message.

## Signing in and out, refusals

signin-title = Sign in
signin-not = You are not signed in to the console.
signin-refused = Not signed in
signin-malformed = This is not a sign-in link.
signin-expired = This sign-in link has expired: links work for 2 minutes.
signin-not-valid = This sign-in link is not valid.
signin-used = This sign-in link was used already: each works once.
signin-not-merchant = This account is not registered as a merchant.
signed-out = Signed out
signed-out-text = You are signed out of the console.
refused = Refused
forged-form = This form did not come from your console page. Nothing was done.
went-wrong = Something went wrong
went-wrong-text = The console could not do this. Nothing was changed; try again.
