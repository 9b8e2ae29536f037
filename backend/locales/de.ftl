# Die Wörter der Händlerkonsole auf Deutsch (Sie-Form). Dieselben Nachrichten wie en.ftl.

## Jede Seite

console = Purse-Konsole
skip-to-content = Zum Inhalt springen
nav-label = Konsole
nav-today = Heute
nav-orders = Bestellungen
nav-till = Kasse
nav-payouts = Auszahlungen
nav-poster = Aushang
nav-developers = Entwickler
sign-out = Abmelden
new-link = Führen Sie { $command } auf dem Gerät des Geschäfts aus, um einen neuen Anmeldelink zu erhalten.
created-utc = Erstellt (UTC)
amount = Betrag
amount-in = Betrag ({ $currency })
description = Beschreibung
state = Status
bank-account = Bankkonto
enter-amount = Geben Sie den Betrag in { $currency } ein
not-an-amount = „{ $text }“ ist kein Betrag in { $currency }

## Heute

today-sales = Umsatz
today-payments = Zahlungen
today-refunds = Erstattungen
today-live = Zahlungen, sobald sie eingehen
today-none = Heute noch keine Zahlungen.
today-time = Zeit (UTC)
today-what = Art
today-from = Von
kind-payment = Zahlung
kind-refund = Erstattung

## Bestellungen

orders-new = Neue Bestellung
orders-description-optional = Beschreibung (optional)
orders-create = Bestellung anlegen
orders-recent = Letzte Bestellungen
orders-show = Anzeigen
orders-filter = Filtern
orders-none = Hier gibt es keine Bestellungen.
orders-order = Bestellung
orders-older = Ältere Bestellungen
filter-all = Alle Bestellungen
filter-waiting = Offen
filter-paid = Bezahlt
filter-refunded = Erstattet
filter-closed = Geschlossen
order-title = Bestellung { $id }
order-heading = Bestellung { $id }: { $amount }
order-waiting = Wartet auf Zahlung
order-paid = Bezahlt
order-closed = Geschlossen
order-refunded = Erstattet
order-refunded-amount = Erstattet
order-no-such = Bestellung nicht gefunden
order-no-such-text = Dieses Geschäft hat keine solche Bestellung.
order-invalid-amount = eine Bestellung muss größer als null und höchstens { $max } sein

## Erstattungen

refund = Erstatten
refund-amount-at-most = Betrag ({ $currency }, höchstens { $left })
refund-reason = Grund (der Zahler sieht ihn)
refund-review = Erstattung prüfen
refund-confirm-title = Erstattung bestätigen
refund-confirm-heading = { $amount } erstatten?
refund-confirm-text = { $amount } der Bestellung { $order } gehen jetzt aus dem Guthaben des Geschäfts an den Zahler zurück. Das lässt sich nicht rückgängig machen.
refund-confirm-reason = Grund, den der Zahler sieht: { $reason }
refund-button = { $amount } erstatten
cancel = Abbrechen
refund-done = Erstattet: der Zahler hat das Geld zurück.
refund-from-page = Bestätigen Sie die Erstattung auf ihrer Seite.
refund-positive = eine Erstattung ist ein positiver Betrag in { $currency }
refund-not-paid = nur eine bezahlte Bestellung kann erstattet werden
refund-exceeds = von dieser Bestellung können höchstens noch { $left } erstattet werden
refund-balance-low = das Guthaben des Geschäfts reicht für diese Erstattung nicht

## Text, den ein Zahler oder Kunde liest

text-reason = Grund: { $problem }
text-description = Beschreibung: { $problem }
text-empty = darf nicht leer sein
text-too-long = darf höchstens { $max } Zeichen lang sein
text-control = darf keine Steuerzeichen enthalten
text-invisible = darf keine Richtungswechsel oder unsichtbaren Zeichen enthalten ({ $char })

## Kasse

till-reference-optional = Ihre Referenz (optional)
till-code = Zahlcode des Kunden (eintippen oder scannen)
till-charge = Kassieren
till-default-reference = Kasse
till-from-page = Senden Sie den Verkauf von der Kassenseite.
till-sent-already = Dieser Verkauf wurde schon gesendet; unter „Heute“ sehen Sie, wie er ausging.
charge-paid = Bezahlt
charge-waiting = Wartet auf die Bestätigung des Kunden auf seinem Telefon
charge-canceled = Nicht bezahlt: der Kunde hat abgelehnt, oder die Minute ist abgelaufen
charge-no-such = Vorgang nicht gefunden
charge-no-such-text = Dieses Geschäft hat keinen solchen Vorgang.
paycode-invalid = kein aktueller Zahlcode; bitten Sie den Kunden, den Code erneut zu zeigen
paycode-used = dieser Code wurde schon belastet; bitten Sie den Kunden um den nächsten
paycode-stale = dieser Code ist abgelaufen; bitten Sie den Kunden um den Code, der jetzt angezeigt wird
paycode-expired = das Telefon des Kunden muss online gehen, um seine Zahlcodes zu erneuern
paycode-revoked = dieses Telefon wurde aus seinem Konto entfernt
paycode-self = ein Geschäft kann nicht sein eigenes Konto belasten

## Limits, für einen Verkauf oder eine Auszahlung

over-per-payment = eine einzelne Zahlung darf höchstens { $limit } betragen
over-per-payout = eine einzelne Auszahlung darf höchstens { $limit } betragen
over-per-day = das Tageslimit ist { $limit }; heute wurden schon { $spent } gezahlt
over-after-recovery = dieses Gerät wurde kürzlich wiederhergestellt: es darf vorerst höchstens { $limit } am Tag zahlen
over-funds-payment = das Guthaben des Kunden reicht für diese Zahlung nicht
over-funds-payout = das Guthaben reicht für diese Auszahlung nicht

## Auszahlungen

payouts-balance = Guthaben:
payouts-new = Auf das Bankkonto auszahlen
payouts-explain = Die Konsole fragt nur: das Telefon des Geschäfts bestätigt jede Auszahlung mit seinem Zahlungsschlüssel (in der App oder mit { $command }), innerhalb von zehn Minuten.
payouts-no-bank = Das Geschäft hat noch kein Bankkonto verknüpft. Verknüpfen Sie zuerst eines auf dem Telefon des Geschäfts.
payouts-ask = Auszahlung vom Telefon bestätigen lassen
payouts-recent = Letzte Auszahlungen
payouts-none = Noch keine Auszahlungen.
payouts-asked = Angefragt (UTC)
payouts-from-page = Fordern Sie die Auszahlung auf der Auszahlungsseite an.
payouts-not-a-bank = wählen Sie eines der Bankkonten des Geschäfts
payout-waiting = Wartet auf die Bestätigung durch das Telefon des Geschäfts
payout-paid = Ausgezahlt
payout-returned = Von der Bank zurückgegeben: das Geld ist wieder im Guthaben
payout-confirmed = Bestätigt: unterwegs zur Bank
payout-declined = Auf dem Telefon des Geschäfts abgelehnt
payout-expired = Nicht rechtzeitig bestätigt
payout-no-such = Auszahlung nicht gefunden
payout-no-such-text = Dieses Geschäft hat keine solche Auszahlung angefordert.

## Aushang

poster-heading = Der Code Ihres Geschäfts
poster-text = Drucken Sie ihn aus und legen Sie ihn an die Kasse: der Zahler scannt ihn und gibt den Betrag ein.
poster-alt = Der Zahlungscode des Geschäfts, darunter { $shop }
poster-svg = Aushang herunterladen (SVG)
poster-png = Aushang herunterladen (PNG)
poster-no-font = Keine Schrift für diesen Namen
poster-no-font-text = Keine Schrift auf diesem Server enthält das Zeichen { $char }, ein PNG würde den Namen also mit einer Lücke drucken. Der SVG-Aushang trägt den Namen in jeder Schrift; oder bitten Sie den Betreiber des Backends, passende Schriften zu installieren.

## Entwickler

dev-endpoint = Webhook-Endpunkt
dev-endpoint-text = Purse sendet { $paid } und { $refunded } hierher, signiert (Standard Webhooks).
dev-address = Adresse (https; leer für keine)
dev-save = Adresse speichern
dev-saved = Gespeichert: Webhooks gehen an die neue Adresse.
dev-bad-address = Diese Adresse kann keine Webhooks empfangen: { $problem }
dev-secret = Signaturgeheimnis
dev-secret-new = Ihr neues Signaturgeheimnis, nur dieses eine Mal gezeigt: kopieren Sie es jetzt auf Ihren Server.
dev-secret-old = Das Geheimnis wurde einmal gezeigt, als es erstellt wurde. Ein neues ersetzt es sofort.
dev-secret-make = Neues Geheimnis erstellen
dev-messages = Gesendete Nachrichten
dev-none = Noch keine Nachrichten.
dev-event = Ereignis
dev-status = Status
dev-attempts = Versuche
dev-last-error = Letzter Fehler
dev-action = Aktion
dev-resend = Erneut senden
dev-resend-label = Die Nachricht { $event } vom { $created } erneut senden
dev-resent = Die Nachricht ist wieder fällig: sie geht in Sekunden hinaus.
dev-delivered = Zugestellt
dev-waiting = Wartet
dev-failing = Fehlgeschlagen, wird wiederholt
dev-no-such = Nachricht nicht gefunden
dev-no-such-text = Dieses Geschäft hat keine solche Nachricht gesendet.

## An- und Abmelden, Ablehnungen

signin-title = Anmelden
signin-not = Sie sind nicht an der Konsole angemeldet.
signin-refused = Nicht angemeldet
signin-malformed = Das ist kein Anmeldelink.
signin-expired = Dieser Anmeldelink ist abgelaufen: Links gelten 2 Minuten.
signin-not-valid = Dieser Anmeldelink ist nicht gültig.
signin-used = Dieser Anmeldelink wurde schon benutzt: jeder gilt nur einmal.
signin-not-merchant = Dieses Konto ist nicht als Händler registriert.
signed-out = Abgemeldet
signed-out-text = Sie sind von der Konsole abgemeldet.
refused = Abgelehnt
forged-form = Dieses Formular kam nicht von Ihrer Konsolenseite. Es wurde nichts getan.
went-wrong = Etwas ist schiefgegangen
went-wrong-text = Die Konsole konnte das nicht tun. Nichts wurde geändert; versuchen Sie es erneut.
