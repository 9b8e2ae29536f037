//! The merchant console over plain HTTP, as a browser would use it: sign-in links (fresh,
//! reused, expired, forged), the session cookie, CSRF on every form, orders turning paid,
//! a refund once per confirmation, the poster. The browser itself is tested by
//! `console/tests` (Playwright, Chromium).

mod common;

use common::*;
use purse_core::sign::console::ConsoleSignIn;
use reqwest::StatusCode;
use reqwest::redirect::Policy;

struct Browser {
    http: reqwest::Client,
    base: String,
    cookie: Option<String>,
}

impl Browser {
    fn new(base: &str) -> Browser {
        Browser {
            http: reqwest::Client::builder()
                .redirect(Policy::none())
                .build()
                .unwrap(),
            base: base.to_owned(),
            cookie: None,
        }
    }

    fn keep_cookie(&mut self, res: &reqwest::Response) {
        if let Some(c) = res.headers().get("set-cookie") {
            let pair = c.to_str().unwrap().split(';').next().unwrap().to_owned();
            self.cookie = Some(pair);
        }
    }

    async fn get(&mut self, path: &str) -> (StatusCode, reqwest::header::HeaderMap, String) {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(c) = &self.cookie {
            req = req.header("cookie", c);
        }
        let res = req.send().await.unwrap();
        self.keep_cookie(&res);
        (
            res.status(),
            res.headers().clone(),
            res.text().await.unwrap(),
        )
    }

    /// A page as a browser set to `language` asks for it.
    async fn get_in(&mut self, language: &str, path: &str) -> String {
        let mut req = self
            .http
            .get(format!("{}{path}", self.base))
            .header("accept-language", language);
        if let Some(c) = &self.cookie {
            req = req.header("cookie", c);
        }
        req.send().await.unwrap().text().await.unwrap()
    }

    async fn get_bytes(&mut self, path: &str) -> Vec<u8> {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(c) = &self.cookie {
            req = req.header("cookie", c);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        res.bytes().await.unwrap().to_vec()
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> (StatusCode, String, String) {
        let mut req = self.http.post(format!("{}{path}", self.base)).form(form);
        if let Some(c) = &self.cookie {
            req = req.header("cookie", c);
        }
        let res = req.send().await.unwrap();
        self.keep_cookie(&res);
        let location = res
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (res.status(), location, res.text().await.unwrap())
    }
}

/// The value of the first field called `name` of a page's forms.
fn field(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = page.find(&marker).expect("a form with this field") + marker.len();
    page[at..at + page[at..].find('"').unwrap()].to_owned()
}

/// The page's CSRF token.
fn csrf(page: &str) -> String {
    field(page, "csrf")
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn path_of(link: &str, base: &str) -> String {
    link.strip_prefix(base).unwrap().to_owned()
}

#[tokio::test]
async fn sign_in_links_work_once_within_two_minutes_and_only_when_signed() {
    let backend = Backend::start().await;
    let url = backend.url();
    let (shop, _, _) = merchant_wallet(&url, "Lotus Tea", None).await;
    let link = shop.wallet.console_link(120).await.unwrap();
    assert!(link.starts_with(&format!("{url}/console/sign-in?token=v1.")));

    let mut browser = Browser::new(&url);
    let (status, _, _) = browser.get("/console").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "no session yet");
    let (status, headers, _) = browser.get(&path_of(&link, &url)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let cookie = headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(cookie.contains("Path=/console"), "{cookie}");
    let (status, headers, page) = browser.get("/console").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Lotus Tea"));
    let csp = headers
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));

    // The same link again, from another browser: spent.
    let mut other = Browser::new(&url);
    let (status, _, page) = other.get(&path_of(&link, &url)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("used already"));

    // Expired, forged and tampered links are refused, and a refused link opens nothing.
    let (_, creds) = enrolled_with_credentials(&url, "Mallory").await;
    let old = ConsoleSignIn::new(&creds.device_id, now() - 600)
        .unwrap()
        .sign(&creds.key)
        .unwrap();
    let (status, _, page) = other.get(&format!("/console/sign-in?token={old}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("expired"));
    let account = shop.wallet.account().unwrap().unwrap();
    let forged = ConsoleSignIn::new(&account.device_id, now())
        .unwrap()
        .sign(&creds.key)
        .unwrap();
    let (status, _, page) = other.get(&format!("/console/sign-in?token={forged}")).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "signed by another device's key"
    );
    assert!(page.contains("not valid"));
    let own = ConsoleSignIn::new(&creds.device_id, now())
        .unwrap()
        .sign(&creds.key)
        .unwrap();
    let (status, _, page) = other.get(&format!("/console/sign-in?token={own}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a payer is not a merchant");
    assert!(page.contains("not registered as a merchant"));
    let (status, _, _) = other.get("/console/sign-in?token=v1.x.y.1.AAAA").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = other.get("/console").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Signing out needs the form's token, and ends the session.
    let (_, _, page) = browser.get("/console").await;
    let (status, _, _) = browser
        .post("/console/sign-out", &[("csrf", "forged")])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = browser
        .post("/console/sign-out", &[("csrf", &csrf(&page))])
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = browser.get("/console").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_order_made_in_the_console_is_paid_and_refunded_once() {
    let backend = Backend::start().await;
    let url = backend.url();
    let (shop, merchant, _) = merchant_wallet(&url, "Lotus Tea <b>", None).await;
    let payer = funded_wallet(&url, "Ann", "100.00 CNY").await;
    let mut browser = Browser::new(&url);
    let link = shop.wallet.console_link(120).await.unwrap();
    browser.get(&path_of(&link, &url)).await;
    let (_, _, page) = browser.get("/console/orders").await;
    assert!(page.contains("Lotus Tea &#60;b&#62;") || page.contains("Lotus Tea &lt;b&gt;"));
    let token = csrf(&page);

    // A form without the session's token is refused, and makes nothing.
    let (status, _, _) = browser
        .post("/console/orders", &[("csrf", "x"), ("amount", "12.34")])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(shop.wallet.orders(10, None).await.unwrap().data.is_empty());
    let (status, _, page) = browser
        .post("/console/orders", &[("csrf", &token), ("amount", "twelve")])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("is not an amount"));

    let (status, location, _) = browser
        .post(
            "/console/orders",
            &[
                ("csrf", &token),
                ("amount", "1,234.50"),
                ("description", "Oolong"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let order_id = location.rsplit('/').next().unwrap().to_owned();
    let (_, headers, page) = browser.get(&location).await;
    assert!(page.contains("<svg") && page.contains("1,234.50 CNY"));
    assert_eq!(headers.get("content-language").unwrap(), "en");
    assert!(
        headers
            .get_all("vary")
            .iter()
            .any(|v| v.to_str().unwrap().contains("accept-language")),
        "caches keep one copy per language: {headers:?}"
    );
    // A German browser reads German words and amounts, and the page says so (screen
    // readers pick their voice by it); a Chinese one reads Chinese; others, English.
    let german = browser.get_in("de-DE,de;q=0.9", &location).await;
    assert!(
        german.contains("<html lang=\"de\">")
            && german.contains("Bestellung ")
            && german.contains("Wartet auf Zahlung")
            && german.contains("1.234,50 CNY"),
        "{german}"
    );
    let chinese = browser.get_in("zh-CN,zh;q=0.9", &location).await;
    assert!(
        chinese.contains("<html lang=\"zh-Hans\">")
            && chinese.contains("等待付款")
            && chinese.contains("1,234.50 CNY"),
        "{chinese}"
    );
    let french = browser.get_in("fr-FR", &location).await;
    assert!(
        french.contains("<html lang=\"en\">") && french.contains("1\u{202f}234,50 CNY"),
        "no French words yet, French numbers: {french}"
    );
    // Even the refusal a stranger gets is in their language.
    let stranger = Browser::new(&url).get_in("de", "/console/orders").await;
    assert!(
        stranger.contains("<html lang=\"de\">")
            && stranger.contains("Sie sind nicht an der Konsole angemeldet."),
        "{stranger}"
    );
    let (_, _, badge) = browser.get(&format!("{location}/state")).await;
    assert!(badge.contains("Waiting for payment") && badge.contains("hx-get"));

    let order = shop.wallet.order(&order_id).await.unwrap();
    assert_eq!(order.amount, money("1234.50 CNY"));
    assert_eq!(order.description, "Oolong");
    let rich = funded_wallet(&url, "Bo", "5000.00 CNY").await;
    let quote = rich.wallet.resolve_payload(&order.payload).await.unwrap();
    rich.wallet.pay(&quote, None).await.unwrap();
    let (_, _, badge) = browser.get(&format!("{location}/state")).await;
    assert!(
        badge.contains("Paid") && !badge.contains("hx-get"),
        "stops polling: {badge}"
    );
    drop(payer);

    // Refund part: a confirmation page, then the refund, once however often it is sent.
    let (_, _, page) = browser.get(&location).await;
    let (status, _, confirm) = browser
        .post(
            &format!("{location}/refund"),
            &[
                ("csrf", &token),
                ("amount", "34.50"),
                ("reason", "One cup short"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(confirm.contains("Refund 34.50 CNY?"));
    assert!(page.contains("Refund"));
    let key = field(&confirm, "key");
    let form = [
        ("csrf", token.as_str()),
        ("amount", "34.50"),
        ("reason", "One cup short"),
        ("key", key.as_str()),
    ];
    for _ in 0..2 {
        let (status, location, _) = browser
            .post(&format!("/console/orders/{order_id}/refunds"), &form)
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(location.ends_with("?done=refunded"));
    }
    let order = shop.wallet.order(&order_id).await.unwrap();
    assert_eq!(order.amount_refunded, money("34.50 CNY"), "refunded once");
    rich.wallet.sync_history().await.unwrap();
    let history = rich.wallet.history(10, None).unwrap();
    assert!(
        history
            .data
            .iter()
            .any(|t| t.amount == money("34.50 CNY") && t.description.contains("One cup short")),
        "{history:?}"
    );
    let (_, _, live) = browser.get("/console/today/payments").await;
    assert!(
        live.contains("1,234.50 CNY") && live.contains("-34.50 CNY"),
        "{live}"
    );

    // More than is left is refused with the reason, and nothing moves.
    let (status, _, page) = browser
        .post(
            &format!("/console/orders/{order_id}/refunds"),
            &[("csrf", &token), ("amount", "5000"), ("key", "another")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("can still be refunded"), "{page}");

    // The poster: the code with the name under it, escaped.
    let (status, headers, svg) = browser.get("/console/poster.svg").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers.get("content-type").unwrap(), "image/svg+xml");
    assert!(svg.contains("Lotus Tea &lt;b&gt;") && !svg.contains("<b>"));
    // The PNG is drawn from that SVG: the code scans, and the name is printed under it.
    let png = browser.get_bytes("/console/poster.png").await;
    let gray = purse_core::scan::decode_image(&png).unwrap();
    assert!(
        gray.height * 5 >= gray.width * 6 - 60,
        "taller than the code: {}x{}",
        gray.width,
        gray.height
    );
    let found = purse_core::scan::scan_gray(&gray, Default::default());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].payload, merchant.static_payload);
    // The code keeps its quiet zone: four white modules (12 px each) above the name.
    let module = 12;
    let quiet = &gray.data[gray.width * (gray.width - 4 * module)..gray.width * gray.width];
    assert!(
        quiet.iter().all(|&p| p > 128),
        "the name runs into the code"
    );
    let below = &gray.data[gray.width * gray.width..];
    let ink = below.iter().filter(|&&p| p < 128).count();
    assert!(
        ink > 500,
        "the name is printed under the code ({ink} dark pixels)"
    );
}

#[tokio::test]
async fn the_developers_page_moves_the_endpoint_rotates_the_secret_and_resends() {
    use purse_core::sign::webhook;
    let backend = Backend::start_with(|c| c.webhook_targets.allow_loopback = true).await;
    let url = backend.url();
    let hooks = WebhookReceiver::start(0).await;
    let (shop, _, old_secret) = merchant_wallet(&url, "Lotus Tea", Some(hooks.url.clone())).await;
    let payer = funded_wallet(&url, "Ann", "100.00 CNY").await;
    pay_order(&shop, &payer, "5.00 CNY").await.unwrap();
    let first = hooks.wait_for(1).await;

    let mut browser = Browser::new(&url);
    let link = shop.wallet.console_link(120).await.unwrap();
    browser.get(&path_of(&link, &url)).await;
    let (status, _, page) = browser.get("/console/developers").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("order.paid"));
    assert!(page.contains(&hooks.url), "the current address is shown");
    assert!(
        !page.contains(&old_secret),
        "the secret is never shown again"
    );
    let token = csrf(&page);

    // Resend: the same message again, however it went the first time.
    let resend = format!("/console/developers/deliveries/{}/resend", first[0].id);
    let (status, _, _) = browser.post(&resend, &[("csrf", "x")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, location, _) = browser.post(&resend, &[("csrf", &token)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.ends_with("done=resent"));
    let again = hooks.wait_for(2).await;
    assert_eq!(again[1].id, first[0].id);
    assert_eq!(again[1].body, first[0].body);
    let (status, _, _) = browser
        .post(
            "/console/developers/deliveries/msg_nothere/resend",
            &[("csrf", &token)],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A new secret, shown once; what is sent next is signed with it, not the old one.
    let (status, _, page) = browser
        .post("/console/developers/secret", &[("csrf", &token)])
        .await;
    assert_eq!(status, StatusCode::OK);
    let at = page.find("whsec_").expect("the new secret is shown");
    let new_secret = page[at..at + page[at..].find('<').unwrap()].to_owned();
    assert_ne!(new_secret, old_secret);
    pay_order(&shop, &payer, "6.00 CNY").await.unwrap();
    let m = hooks.wait_for(3).await.pop().unwrap();
    let now = now();
    webhook::verify(&new_secret, &m.id, &m.timestamp, &m.signature, &m.body, now).unwrap();
    assert!(webhook::verify(&old_secret, &m.id, &m.timestamp, &m.signature, &m.body, now).is_err());
    let (_, _, page) = browser.get("/console/developers").await;
    assert!(!page.contains(&new_secret), "shown once");

    // The address: checked as the API checks it; empty turns webhooks off.
    let (status, _, page) = browser
        .post(
            "/console/developers/webhook",
            &[("csrf", &token), ("url", "https://10.0.0.1/hook")],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("cannot take webhooks"));
    let (status, _, _) = browser
        .post(
            "/console/developers/webhook",
            &[("csrf", &token), ("url", "")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, page) = browser.get("/console/developers").await;
    assert!(!page.contains(&hooks.url), "no address now");
}

#[tokio::test]
async fn the_till_charges_a_pay_code_once_and_follows_a_confirmation() {
    let backend = Backend::start().await;
    let url = backend.url();
    let (shop, _, _) = merchant_wallet(&url, "Lotus Tea", None).await;
    let payer = funded_wallet(&url, "Ann", "500.00 CNY").await;
    let mut browser = Browser::new(&url);
    let link = shop.wallet.console_link(120).await.unwrap();
    browser.get(&path_of(&link, &url)).await;
    let (_, _, page) = browser.get("/console/till").await;
    let token = csrf(&page);
    let key = field(&page, "key");

    // A code charged at once; the same sale sent again (a double Enter) charges nothing more.
    let code = payer.wallet.pay_code().await.unwrap();
    let sale = [
        ("csrf", token.as_str()),
        ("key", key.as_str()),
        ("amount", "8.00"),
        ("reference", "Table 4"),
        ("code", code.digits.as_str()),
    ];
    let (status, _, page) = browser.post("/console/till", &sale).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains("8.00 CNY · Table 4") && page.contains(">Paid<"),
        "{page}"
    );
    let (_, _, page) = browser.post("/console/till", &sale).await;
    assert!(page.contains("sent already"));
    assert_eq!(payer.wallet.balance().await.unwrap(), money("492.00 CNY"));

    // Above the customer's limit: waiting, followed live until they confirm on the phone.
    payer.wallet.poll_events(0).await.unwrap();
    let code = payer.wallet.pay_code().await.unwrap();
    let (status, _, page) = browser
        .post(
            "/console/till",
            &[
                ("csrf", &token),
                ("key", &field(&page, "key")),
                ("amount", "120.00"),
                ("code", &code.digits),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Waiting for the customer") && page.contains("hx-get"));
    let waiting = payer.wallet.waiting_charges().await.unwrap();
    assert_eq!(waiting.len(), 1);
    let state_path = format!("/console/till/charges/{}/state", waiting[0].charge_id);
    payer
        .wallet
        .confirm_charge(&waiting[0].charge_id)
        .await
        .unwrap();
    let (_, _, badge) = browser.get(&state_path).await;
    assert!(
        badge.contains("Paid") && !badge.contains("hx-get"),
        "{badge}"
    );

    // A code that is not one, and a forged sale, are refused; nothing moves.
    let (status, _, page) = browser
        .post(
            "/console/till",
            &[
                ("csrf", &token),
                ("key", "k2"),
                ("amount", "1.00"),
                ("code", "123"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("not a pay code of now"), "{page}");
    let (status, _, _) = browser
        .post(
            "/console/till",
            &[("key", "k3"), ("amount", "1.00"), ("code", "123")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(payer.wallet.balance().await.unwrap(), money("372.00 CNY"));
    let (status, _, _) = browser.get("/console/till/charges/chg_nothere/state").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_payout_the_console_asks_for_moves_money_only_when_the_phone_confirms_it() {
    use purse_core::api::types::PayoutState;
    use purse_core::pay::WithdrawOutcome;

    let backend = Backend::start().await;
    let url = backend.url();
    let (shop, _, _) = merchant_wallet(&url, "Lotus Tea", None).await;
    let payer = funded_wallet(&url, "Ann", "500.00 CNY").await;
    pay_order(&shop, &payer, "60.00 CNY").await.unwrap();
    let mut browser = Browser::new(&url);
    let link = shop.wallet.console_link(120).await.unwrap();
    browser.get(&path_of(&link, &url)).await;
    let (status, _, page) = browser.get("/console/payouts").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("no bank account linked"), "{page}");

    let bank = shop
        .wallet
        .link_bank("DE89 3704 0044 0532 0130 00", "Lotus Tea Ltd")
        .await
        .unwrap();
    let (_, _, page) = browser.get("/console/payouts").await;
    assert!(
        page.contains("60.00 CNY") && page.contains("Bank DE •••• 3000"),
        "{page}"
    );
    let token = csrf(&page);
    let key = field(&page, "key");
    let ask = [
        ("csrf", token.as_str()),
        ("key", key.as_str()),
        ("amount", "25.00"),
        ("source", bank.source_id.as_str()),
    ];
    // Sent twice (a double click): one payout. Forged: refused.
    for _ in 0..2 {
        let (status, location, _) = browser.post("/console/payouts", &ask).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(location, "/console/payouts");
    }
    let (status, _, _) = browser.post("/console/payouts", &ask[1..]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, page) = browser
        .post(
            "/console/payouts",
            &[
                ("csrf", &token),
                ("key", "po_more"),
                ("amount", "61.00"),
                ("source", &bank.source_id),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("role=\"alert\""), "{page}");

    // Asking moved nothing; the phone is told, sees one waiting payout and confirms it.
    assert_eq!(shop.wallet.balance().await.unwrap(), money("60.00 CNY"));
    let polled = shop.wallet.poll_events(0).await.unwrap();
    let told: Vec<_> = polled
        .notices
        .iter()
        .filter(|n| n.kind == purse_core::api::types::NoticeKind::PayoutConfirmation)
        .collect();
    assert_eq!(told.len(), 1, "once, though the form came twice");
    let waiting = shop.wallet.waiting_payouts().await.unwrap();
    assert_eq!(waiting.len(), 1);
    let p = &waiting[0];
    assert_eq!(
        (p.amount, p.state),
        (money("25.00 CNY"), PayoutState::Waiting)
    );
    assert_eq!(p.bank, "Bank DE •••• 3000");
    let state_path = format!("/console/payouts/{}/state", p.payout_id);
    let (_, _, badge) = browser.get(&state_path).await;
    assert!(
        badge.contains("Waiting") && badge.contains("hx-get"),
        "{badge}"
    );
    let WithdrawOutcome::Completed { withdrawal } =
        shop.wallet.confirm_payout(&p.payout_id).await.unwrap()
    else {
        panic!("pending")
    };
    assert_eq!(withdrawal.intent_id, p.payout_id);
    assert_eq!(withdrawal.balance, money("35.00 CNY"));
    let again = shop.wallet.confirm_payout(&p.payout_id).await.unwrap();
    assert!(
        matches!(&again, WithdrawOutcome::Completed { withdrawal: w } if w.withdrawal_id == withdrawal.withdrawal_id),
        "confirmed twice, paid out once"
    );
    assert_eq!(shop.wallet.balance().await.unwrap(), money("35.00 CNY"));
    assert!(shop.wallet.waiting_payouts().await.unwrap().is_empty());
    let (_, _, badge) = browser.get(&state_path).await;
    assert!(
        badge.contains("on its way") && !badge.contains("hx-get"),
        "{badge}"
    );
    shop.wallet.sandbox_settle_withdrawals().await.unwrap();
    let (_, _, badge) = browser.get(&state_path).await;
    assert!(badge.contains("Paid out"), "{badge}");

    // Declined on the phone: nothing moves, and it can no longer be confirmed.
    let (_, _, page) = browser.get("/console/payouts").await;
    let (status, _, _) = browser
        .post(
            "/console/payouts",
            &[
                ("csrf", &token),
                ("key", &field(&page, "key")),
                ("amount", "5.00"),
                ("source", &bank.source_id),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let second = shop.wallet.waiting_payouts().await.unwrap().remove(0);
    let declined = shop.wallet.decline_payout(&second.payout_id).await.unwrap();
    assert_eq!(declined.state, PayoutState::Declined);
    let e = shop
        .wallet
        .confirm_payout(&second.payout_id)
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("payout_not_waiting"));
    let e = shop
        .wallet
        .decline_payout(&second.payout_id)
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("payout_not_waiting"));
    assert_eq!(shop.wallet.balance().await.unwrap(), money("35.00 CNY"));
    let (_, _, badge) = browser
        .get(&format!("/console/payouts/{}/state", second.payout_id))
        .await;
    assert!(badge.contains("Declined"), "{badge}");
    // Another shop's payout is not this one's to see.
    let (status, _, _) = browser.get("/console/payouts/po_nothere/state").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
