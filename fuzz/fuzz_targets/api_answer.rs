//! What the wallet does with a backend's answer, on any bytes: a success body read as the
//! type each call expects, an error body as a problem (or a typed "not the protocol").
//! An answer or a typed error, never a panic. A hostile or broken backend (or a proxy's
//! HTML page) must not crash a phone.
//!
//! Input: the first two bytes choose the status and the answer's type; the rest is the body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use purse_core::api::read_answer;
use purse_core::api::types::*;

fuzz_target!(|data: &[u8]| {
    let [pick, status, body @ ..] = data else {
        return;
    };
    let status = match status % 4 {
        0 => 200,
        1 => 201,
        2 => 400 + u16::from(status % 32),
        _ => 500 + u16::from(status % 4),
    };
    let id = || "req_fuzz".to_owned();
    match pick % 10 {
        0 => drop(read_answer::<Problem>(status, body, id())),
        1 => drop(read_answer::<TransactionPage>(status, body, id())),
        2 => drop(read_answer::<Payment>(status, body, id())),
        3 => drop(read_answer::<EventPage>(status, body, id())),
        4 => drop(read_answer::<Order>(status, body, id())),
        5 => drop(read_answer::<Quote>(status, body, id())),
        6 => drop(read_answer::<Transfer>(status, body, id())),
        7 => drop(read_answer::<EnrollResponse>(status, body, id())),
        8 => drop(read_answer::<PayCodeKey>(status, body, id())),
        _ => drop(read_answer::<Savings>(status, body, id())),
    }
});
