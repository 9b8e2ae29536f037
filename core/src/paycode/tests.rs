use super::*;
use crate::money::{Currency, Money};

/// Appends `6304` and the right CRC to a payload body.
fn with_crc(body: &str) -> String {
    let s = format!("{body}6304");
    format!("{s}{:04X}", crc16_ccitt_false(s.as_bytes()))
}

fn emv(payload: &str) -> EmvcoCode {
    match parse(payload) {
        Ok(PaymentCode::Emvco(c)) => *c,
        other => panic!("{payload}: {other:?}"),
    }
}

fn invalid(payload: &str) -> String {
    match parse(payload) {
        Err(PaycodeError::Invalid { reason, .. }) => reason,
        Err(PaycodeError::CrcMismatch { .. }) => "crc".into(),
        other => panic!("{payload}: expected invalid, got {other:?}"),
    }
}

/// The example of the EMV QRCPS-MPM specification, with a language template in Chinese:
/// lengths count characters, the CRC covers UTF-8 bytes.
const EMVCO_SPEC_EXAMPLE: &str = "00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603***0708A60086670902ME91320016A0112233449988770708123456786304A13A";

#[test]
fn emvco_specification_example() {
    let c = emv(EMVCO_SPEC_EXAMPLE);
    assert_eq!(c.initiation, Initiation::Dynamic);
    assert_eq!(c.merchant_name.as_deref(), Some("BEST TRANSPORT"));
    assert_eq!(c.merchant_city.as_deref(), Some("BEIJING"));
    assert_eq!(c.country.as_deref(), Some("CN"));
    assert_eq!(c.mcc.as_deref(), Some("4111"));
    assert_eq!(c.currency.map(|c| c.code()), Some("CNY"));
    assert_eq!(c.amount_text.as_deref(), Some("23.72"));
    assert_eq!(c.amount, Some(Money::parse("23.72 CNY").unwrap()));
    assert_eq!(c.tip, Some(emvco::Tip::Prompt));
    let lang = c.language.as_ref().unwrap();
    assert_eq!(
        (lang.language.as_str(), lang.merchant_name.as_str()),
        ("ZH", "最佳运输")
    );
    assert_eq!(lang.merchant_city.as_deref(), Some("北京"));
    // Two in 26-51, and the unreserved template 91 with its GUID (accounts in the wild).
    assert_eq!(c.accounts.len(), 3);
    assert_eq!(c.accounts[0].guid.as_deref(), Some("D15600000000"));
    assert_eq!(c.accounts[2].tag, "91");
    assert_eq!(c.accounts[2].guid.as_deref(), Some("A011223344998877"));
    let add = c.additional.as_ref().unwrap();
    assert_eq!(add.store_label.as_deref(), Some("1234"));
    assert_eq!(add.customer_label.as_deref(), Some("***"));
    assert_eq!(add.terminal_label.as_deref(), Some("A6008667"));
    assert_eq!(add.consumer_data_request.as_deref(), Some("ME"));
    assert_eq!(c.unreserved.len(), 1);
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn crc_is_checked() {
    let mut bad = EMVCO_SPEC_EXAMPLE.to_owned();
    bad.replace_range(bad.len() - 4.., "A13B");
    assert!(matches!(parse(&bad), Err(PaycodeError::CrcMismatch { .. })));
    let tampered = EMVCO_SPEC_EXAMPLE.replace("23.72", "93.72");
    assert!(matches!(
        parse(&tampered),
        Err(PaycodeError::CrcMismatch { .. })
    ));
}

#[test]
fn lower_case_crc_is_a_warning() {
    let ok = with_crc(
        "000201010211263000140123456789ABCD0108merchant5204581253031565802CN5909Tea House6007Beijing",
    );
    let lower = format!(
        "{}{}",
        &ok[..ok.len() - 4],
        ok[ok.len() - 4..].to_ascii_lowercase()
    );
    if lower != ok {
        let c = emv(&lower);
        assert!(c.warnings.iter().any(|w| w.contains("lower case")));
    }
}

#[test]
fn round_trip_encode_parse() {
    let cny = Currency::from_code("CNY").unwrap();
    for (initiation, amount) in [
        (Initiation::Static, None),
        (
            Initiation::Dynamic,
            Some(Money::parse("12.34 CNY").unwrap()),
        ),
    ] {
        let spec = MerchantCodeSpec {
            initiation,
            account_tag: 26,
            guid: PURSE_GUID.into(),
            account_fields: vec![("01".into(), "m_123".into()), ("02".into(), "ord_9".into())],
            mcc: "5812".into(),
            amount,
            currency: cny,
            country: "CN".into(),
            merchant_name: "Tea House 茶馆".into(),
            merchant_city: "Hangzhou".into(),
            bill_number: Some("B-77".into()),
            reference_label: None,
            terminal_label: Some("T1".into()),
        };
        let payload = emvco::encode(&spec).unwrap();
        let code = parse(&payload).unwrap();
        assert_eq!(
            code.purse_merchant(),
            Some(("m_123".into(), Some("ord_9".into())))
        );
        let PaymentCode::Emvco(c) = code else {
            panic!()
        };
        assert_eq!(c.initiation, initiation);
        assert_eq!(c.amount, amount);
        assert_eq!(c.merchant_name.as_deref(), Some("Tea House 茶馆"));
        assert_eq!(c.additional.unwrap().bill_number.as_deref(), Some("B-77"));
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    }
}

#[test]
fn a_merchant_account_in_an_unreserved_template_is_an_account() {
    // Only template 85 carries the account, with its GUID in 00; 86 has no GUID: raw only.
    let c = emv(&with_crc(
        "00020101021185330015com.example.pay0110merchant42860812345678520458125303156\
         5802CN5909Tea House6007Beijing",
    ));
    assert_eq!(c.accounts.len(), 1);
    assert_eq!(c.accounts[0].tag, "85");
    assert_eq!(c.accounts[0].guid.as_deref(), Some("com.example.pay"));
    assert_eq!(
        c.accounts[0].fields,
        vec![("01".to_owned(), "merchant42".to_owned())]
    );
    assert_eq!(c.unreserved.len(), 2);
}

#[test]
fn structural_errors() {
    let base = "000201010211263000140123456789ABCD0108merchant5204581253031565802CN5909Tea House6007Beijing";
    with_crc(base);
    assert!(invalid(&with_crc(&format!("{base}5802CN"))).contains("twice"));
    let not_first = emvco::parse(&with_crc("010211000201263000140123456789ABCD0108merchant"));
    assert!(
        matches!(not_first, Err(PaycodeError::Invalid { reason, .. }) if reason.contains("first"))
    );
    // 63 not last / trailing data after the CRC.
    assert!(invalid(&format!("{}61041234", with_crc(base))).contains("last"));
    assert!(invalid(&format!("{}XXXX", with_crc(base))).contains("not digits"));
    assert!(invalid(&format!("{}12", with_crc(base))).contains("truncated"));
    // Truncated: a field claims more than remains.
    assert!(
        invalid(&with_crc(base)[..60]).contains("remain")
            || invalid(&with_crc(base)[..60]).contains("last")
    );
    assert!(
        invalid("0002010102").contains("truncated") || invalid("0002010102").contains("remain")
    );
    assert!(invalid(&with_crc("0002010102135204581253031565802CN")).contains("initiation"));
    assert!(invalid(&with_crc("000203")).contains("format indicator"));
    assert!(invalid(&with_crc("0002010102115204581253031565802CN")).contains("merchant account"));
    assert!(
        invalid(&with_crc("00020101021126080004abcd520458X253031565802CN")).contains("category")
    );
    assert!(invalid(&with_crc("00020101021126080004abcd5204581253039995802CN")).contains("999"));
    assert!(
        invalid(&with_crc(
            "00020101021126080004abcd5204581253031565404-1.05802CN"
        ))
        .contains("decimal")
    );
    assert!(
        invalid(&with_crc(
            "00020101021126080004abcd5204581253031565502035802CN"
        ))
        .contains("57")
    );
}

#[test]
fn national_scheme_quirks_are_warnings() {
    // PIX (Brazil): no point of initiation.
    let pix = with_crc("0014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-426655440000");
    let pix = format!("00020126{:02}{}", pix.len() - 8, &pix[..pix.len() - 8]);
    let pix = with_crc(&format!(
        "{pix}52040000530398654041.005802BR5913Fulano de Tal6008BRASILIA62070503***"
    ));
    let c = emv(&pix);
    assert_eq!(c.initiation, Initiation::Static);
    assert!(c.warnings.iter().any(|w| w.contains("point of initiation")));
    assert_eq!(
        c.account("br.gov.bcb.pix").unwrap().fields[0].1,
        "123e4567-e12b-12d1-a456-426655440000"
    );
    assert_eq!(c.amount, Some(Money::parse("1.00 BRL").unwrap()));

    // PromptPay (Thailand): no MCC, name or city.
    let pp = with_crc("000201010211293700160000000000000000011300668123456785802TH5303764");
    let c = emv(&pp);
    for w in ["category", "name", "city"] {
        assert!(
            c.warnings.iter().any(|x| x.contains(w)),
            "{w}: {:?}",
            c.warnings
        );
    }
    assert_eq!(c.currency.unwrap().code(), "THB");

    // DuitNow (Malaysia): format indicator 02.
    let dn = with_crc(
        "000202010211263000140123456789ABCD0108merchant5204581253034585802MY5910Kedai Kopi6006Penang",
    );
    let c = emv(&dn);
    assert!(c.warnings.iter().any(|w| w.contains("02")));
}

#[test]
fn tips_and_fees() {
    let b = "000201010211263000140123456789ABCD0108merchant52045812530315658";
    let fixed = emv(&with_crc(&format!(
        "{b}02CN550202560410.05909Tea House6007Beijing"
    )));
    assert_eq!(
        fixed.tip,
        Some(emvco::Tip::Fixed {
            amount: "10.0".into()
        })
    );
    let pct = emv(&with_crc(&format!(
        "{b}02CN550203570415.05909Tea House6007Beijing"
    )));
    assert_eq!(
        pct.tip,
        Some(emvco::Tip::Percentage {
            percent: "15.0".into()
        })
    );
}

#[test]
fn upi_links() {
    let PaymentCode::Upi(u) =
        parse("upi://pay?pa=teahouse@okaxis&pn=Tea%20House&am=120.50&cu=INR&tn=Order%2042&mc=5812")
            .unwrap()
    else {
        panic!()
    };
    assert_eq!(u.payee_address, "teahouse@okaxis");
    assert_eq!(u.payee_name.as_deref(), Some("Tea House"));
    assert_eq!(u.amount, Some(Money::parse("120.50 INR").unwrap()));
    assert_eq!(u.note.as_deref(), Some("Order 42"));
    let PaymentCode::Upi(u) = parse("UPI://PAY?pa=a@b").unwrap() else {
        panic!()
    };
    assert_eq!(u.currency.code(), "INR");
    for bad in [
        "upi://pay?pn=x",
        "upi://pay?pa=nohandle",
        "upi://pay?pa=a@b&pa=c@d",
        "upi://pay?pa=a@b&am=1.234",
        "upi://mandate?pa=a@b",
    ] {
        assert!(
            matches!(parse(bad), Err(PaycodeError::Invalid { format: "upi", .. })),
            "{bad}"
        );
    }
}

#[test]
fn epc_sepa_transfers() {
    let t = "BCD\n002\n1\nSCT\nBFSWDE33BER\nWikimedia Foerdergesellschaft\nDE33100205000001194700\nEUR123.45\n\n\nSpende fuer Wikipedia";
    let PaymentCode::Epc(e) = parse(t).unwrap() else {
        panic!()
    };
    assert_eq!(e.name, "Wikimedia Foerdergesellschaft");
    assert_eq!(e.iban, "DE33100205000001194700");
    assert_eq!(e.amount, Some(Money::parse("123.45 EUR").unwrap()));
    assert_eq!(e.text.as_deref(), Some("Spende fuer Wikipedia"));
    let crlf = t.replace('\n', "\r\n");
    assert!(parse(&crlf).is_ok());
    let v1_without_bic = "BCD\n001\n1\nSCT\n\nName\nDE33100205000001194700";
    assert!(matches!(
        parse(v1_without_bic),
        Err(PaycodeError::Invalid { format: "epc", .. })
    ));
    assert!(parse("BCD\n002\n1\nSCT\n\nName\nDE33100205000001194700\nUSD1.00").is_err());
    assert!(parse("BCD\n002\n1\nSCT\n\nName\nDE33100205000001194700\nEUR1.00\n\nRF18539007547034\nalso text").is_err());
}

fn swiss_bill(reference_type: &str, reference: &str) -> String {
    [
        "SPC",
        "0200",
        "1",
        "CH4431999123000889012",
        "S",
        "Robert Schneider AG",
        "Rue du Lac",
        "1268",
        "2501",
        "Biel",
        "CH",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "1949.75",
        "CHF",
        "S",
        "Pia-Maria Rutschmann-Schnyder",
        "Grosse Marktgasse",
        "28",
        "9400",
        "Rorschach",
        "CH",
        reference_type,
        reference,
        "Order of 15 June 2020",
        "EPD",
    ]
    .join("\n")
}

#[test]
fn swiss_qr_bills() {
    let PaymentCode::SwissQrBill(b) =
        parse(&swiss_bill("QRR", "210000000003139471430009017")).unwrap()
    else {
        panic!()
    };
    assert_eq!(b.creditor_name, "Robert Schneider AG");
    assert_eq!(b.amount, Some(Money::parse("1949.75 CHF").unwrap()));
    assert_eq!(
        b.debtor_name.as_deref(),
        Some("Pia-Maria Rutschmann-Schnyder")
    );
    assert!(parse(&swiss_bill("NON", "")).is_ok());
    assert!(parse(&swiss_bill("QRR", "123")).is_err());
    assert!(parse(&swiss_bill("XYZ", "")).is_err());
    assert!(parse(&swiss_bill("NON", "").replace("EPD", "END")).is_err());
}

#[test]
fn other_networks_are_named() {
    for (text, net) in [
        ("https://qr.alipay.com/bax01234abcd", "Alipay"),
        ("HTTPS://QR.ALIPAY.COM/FKX0123", "Alipay"),
        ("wxp://f2f0abcdefg", "WeChat Pay"),
        ("weixin://wxpay/bizpayurl?pr=abc", "WeChat Pay"),
    ] {
        match parse(text) {
            Err(PaycodeError::OtherNetwork {
                network,
                text: t,
                fields,
            }) => {
                assert!(fields.is_empty());
                assert_eq!(network, net);
                assert_eq!(t, text);
            }
            other => panic!("{text}: {other:?}"),
        }
    }
    let aplus = with_crc(
        "00020101021226170013com.alipay.ap5204581253037025802SG5909Tea House6009Singapore",
    );
    assert!(matches!(
        parse(&aplus),
        Err(PaycodeError::OtherNetwork {
            network: "Alipay+",
            ..
        })
    ));
}

#[test]
fn alipay_plus_codes_in_url_form_are_alipay_plus_with_their_fields() {
    let text = "https://qr.sampledomain.com/MPM/3/R1BMRDA5NVBMVlMwMDIwMUNEU0QwMzMwMTE0U0FNUExFUExBVEZPUk0wMjExU0FNUExFTUVSSURDSVJEMDM5MDExMlNBTVBMRUlTU1VFUjAyMDIxMjAzMTNNSU5JUFJPR1JBTUlE";
    match parse(text) {
        Err(PaycodeError::OtherNetwork {
            network, fields, ..
        }) => {
            assert_eq!(network, "Alipay+");
            assert!(
                fields.contains(&("CDSD.02".into(), "SAMPLEMERID".into())),
                "{fields:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    // Broken, but plainly in that form: an invalid Alipay+ code, not "not a payment code".
    assert!(matches!(
        parse("https://qr.sampledomain.com/MPM/3/R1BMRDEwMA"),
        Err(PaycodeError::Invalid {
            format: "alipay+",
            ..
        })
    ));
}

#[test]
fn anything_else_hands_the_text_back() {
    for text in [
        "https://example.com/menu",
        "WIFI:S:cafe;T:WPA;P:secret;;",
        "hello",
        "",
    ] {
        assert_eq!(
            parse(text),
            Err(PaycodeError::NotPaymentCode { text: text.into() })
        );
    }
    assert!(matches!(
        parse(&"0".repeat(MAX_PAYLOAD + 1)),
        Err(PaycodeError::Invalid { .. })
    ));
}

/// A quick deterministic fuzz: random and mutated payloads never panic. (The cargo-fuzz
/// target in `fuzz/` runs the same parser for longer.)
#[test]
fn hostile_payloads_never_panic() {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let seeds = [
        EMVCO_SPEC_EXAMPLE.to_owned(),
        swiss_bill("NON", ""),
        "upi://pay?pa=a@b&am=1".to_owned(),
        "BCD\n002\n1\nSCT\n\nN\nDE33100205000001194700".to_owned(),
    ];
    let alphabet: Vec<char> = "0123456789ABCDEF.:/?&=@\n\r 茶\u{0}".chars().collect();
    for i in 0..20_000 {
        let mut s: Vec<char> = seeds[i % seeds.len()].chars().collect();
        for _ in 0..(next() % 6) {
            let pos = (next() as usize) % (s.len() + 1);
            match next() % 3 {
                0 if pos < s.len() => {
                    s.remove(pos);
                }
                1 => s.insert(pos, alphabet[(next() as usize) % alphabet.len()]),
                _ if pos < s.len() => s[pos] = alphabet[(next() as usize) % alphabet.len()],
                _ => {}
            }
        }
        let text: String = s.into_iter().collect();
        let _ = parse(&text);
    }
}

/// The merchant's round trip: encode, render as PNG, scan the PNG, parse the payload.
#[test]
fn encode_render_scan_parse_gives_the_same_code() {
    let spec = MerchantCodeSpec {
        initiation: Initiation::Dynamic,
        account_tag: 26,
        guid: PURSE_GUID.into(),
        account_fields: vec![
            ("01".into(), "m_77".into()),
            ("02".into(), "ord_1234".into()),
        ],
        mcc: "5814".into(),
        amount: Some(Money::parse("88.80 CNY").unwrap()),
        currency: Currency::from_code("CNY").unwrap(),
        country: "CN".into(),
        merchant_name: "Dumpling King 饺子".into(),
        merchant_city: "Xi'an".into(),
        bill_number: Some("INV-1".into()),
        reference_label: None,
        terminal_label: None,
    };
    let payload = emvco::encode(&spec).unwrap();
    let png = render_png(&payload, 6).unwrap();
    let opts = crate::scan::ScanOptions {
        budget: std::time::Duration::from_secs(60),
        first_only: false,
    };
    let found = crate::scan::scan_image(&png, opts).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].payload, payload);
    assert_eq!(parse(&found[0].payload).unwrap(), parse(&payload).unwrap());
    let text = render_terminal(&payload).unwrap();
    assert!(text.lines().count() > 10);
    assert!(render_png(&payload, 0).is_err());
    assert!(
        render_png(&"x".repeat(5000), 4).is_err(),
        "too long for a QR code at level M"
    );
}
