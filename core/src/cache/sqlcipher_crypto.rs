//! SQLCipher's cryptography from the crates already in the library: ring (random bytes,
//! HMAC, PBKDF2) and RustCrypto's AES-256-CBC (which ring does not offer).
//!
//! Why: SQLCipher's default provider is OpenSSL, and Android has no libcrypto to share, so
//! the phone library had to carry one built from source: 3.8 MB, a third of the library,
//! for three primitives Purse already ships. SQLite is compiled with
//! `SQLCIPHER_CRYPTO_CUSTOM=purse_sqlcipher_setup` (`.cargo/config.toml`), so SQLCipher
//! asks [`purse_sqlcipher_setup`] for its provider at first use. Apple builds keep
//! CommonCrypto (libsqlite3-sys chooses it there, and it comes first).
//!
//! The format is SQLCipher 4's, unchanged: AES-256-CBC pages with HMAC-SHA512 and
//! PBKDF2-HMAC-SHA512 key derivation; a test opens a database that SQLCipher wrote on
//! OpenSSL. Every callback checks its pointers and sizes and returns `SQLITE_ERROR` rather
//! than panic (a panic may not cross into C).

use std::ffi::{c_char, c_int, c_void};
use std::num::NonZeroU32;

use aes::Aes256;
use aes::cipher::array::Array;
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use ring::rand::SecureRandom;
use ring::{hmac, pbkdf2};

const SQLITE_OK: c_int = 0;
const SQLITE_ERROR: c_int = 1;
const CIPHER_ENCRYPT: c_int = 1;
const CIPHER_DECRYPT: c_int = 0;
const HMAC_SHA1: c_int = 0;
const HMAC_SHA256: c_int = 1;
const HMAC_SHA512: c_int = 2;
const KEY_SZ: c_int = 32;
const BLOCK_SZ: c_int = 16;

/// SQLCipher's `struct sqlcipher_provider` (crypto.h, SQLCipher 4.10), field for field.
#[repr(C)]
pub struct SqlcipherProvider {
    init: Option<extern "C" fn() -> c_int>,
    shutdown: Option<extern "C" fn()>,
    get_provider_name: Option<extern "C" fn(*mut c_void) -> *const c_char>,
    add_random: Option<extern "C" fn(*mut c_void, *const c_void, c_int) -> c_int>,
    random: Option<unsafe extern "C" fn(*mut c_void, *mut c_void, c_int) -> c_int>,
    hmac: Option<HmacFn>,
    kdf: Option<KdfFn>,
    cipher: Option<CipherFn>,
    get_cipher: Option<extern "C" fn(*mut c_void) -> *const c_char>,
    get_key_sz: Option<extern "C" fn(*mut c_void) -> c_int>,
    get_iv_sz: Option<extern "C" fn(*mut c_void) -> c_int>,
    get_block_sz: Option<extern "C" fn(*mut c_void) -> c_int>,
    get_hmac_sz: Option<extern "C" fn(*mut c_void, c_int) -> c_int>,
    ctx_init: Option<extern "C" fn(*mut *mut c_void) -> c_int>,
    ctx_free: Option<extern "C" fn(*mut *mut c_void) -> c_int>,
    fips_status: Option<extern "C" fn(*mut c_void) -> c_int>,
    get_provider_version: Option<extern "C" fn(*mut c_void) -> *const c_char>,
    next: *mut SqlcipherProvider,
}

type HmacFn = unsafe extern "C" fn(
    *mut c_void,
    c_int,
    *const u8,
    c_int,
    *const u8,
    c_int,
    *const u8,
    c_int,
    *mut u8,
) -> c_int;
type KdfFn = unsafe extern "C" fn(
    *mut c_void,
    c_int,
    *const u8,
    c_int,
    *const u8,
    c_int,
    c_int,
    c_int,
    *mut u8,
) -> c_int;
type CipherFn = unsafe extern "C" fn(
    *mut c_void,
    c_int,
    *const u8,
    c_int,
    *const u8,
    *const u8,
    c_int,
    *mut u8,
) -> c_int;

/// Called by SQLCipher (once, at its first use) to fill in its default provider.
///
/// # Safety
/// `p` is SQLCipher's freshly allocated provider, or null.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn purse_sqlcipher_setup(p: *mut SqlcipherProvider) -> c_int {
    // SAFETY: SQLCipher hands a valid, writable provider; null is refused.
    let Some(p) = (unsafe { p.as_mut() }) else {
        return SQLITE_ERROR;
    };
    p.init = None;
    p.shutdown = None;
    p.get_provider_name = Some(provider_name);
    p.add_random = Some(add_random);
    p.random = Some(random);
    p.hmac = Some(hmac_fn);
    p.kdf = Some(kdf);
    p.cipher = Some(cipher);
    p.get_cipher = Some(cipher_name);
    p.get_key_sz = Some(key_size);
    p.get_iv_sz = Some(block_size);
    p.get_block_sz = Some(block_size);
    p.get_hmac_sz = Some(hmac_size);
    p.ctx_init = Some(no_context);
    p.ctx_free = Some(no_context);
    p.fips_status = Some(not_fips);
    p.get_provider_version = Some(provider_version);
    SQLITE_OK
}

/// Keeps [`purse_sqlcipher_setup`] in every binary that opens a cache: SQLite's C code
/// names it, which a linker does not count as a use of the Rust object that holds it.
pub(super) fn linked() {
    std::hint::black_box(purse_sqlcipher_setup as unsafe extern "C" fn(_) -> _);
}

extern "C" fn provider_name(_: *mut c_void) -> *const c_char {
    c"purse-ring".as_ptr()
}

extern "C" fn provider_version(_: *mut c_void) -> *const c_char {
    c"ring 0.17, aes 0.9".as_ptr()
}

extern "C" fn cipher_name(_: *mut c_void) -> *const c_char {
    c"aes-256-cbc".as_ptr()
}

extern "C" fn key_size(_: *mut c_void) -> c_int {
    KEY_SZ
}

extern "C" fn block_size(_: *mut c_void) -> c_int {
    BLOCK_SZ
}

/// The provider keeps no state of its own.
extern "C" fn no_context(_: *mut *mut c_void) -> c_int {
    SQLITE_OK
}

extern "C" fn not_fips(_: *mut c_void) -> c_int {
    0
}

/// The system's generator needs no seeding.
extern "C" fn add_random(_: *mut c_void, _: *const c_void, _: c_int) -> c_int {
    SQLITE_OK
}

extern "C" fn hmac_size(_: *mut c_void, algorithm: c_int) -> c_int {
    hmac_algorithm(algorithm).map_or(0, |a| a.digest_algorithm().output_len() as c_int)
}

fn hmac_algorithm(algorithm: c_int) -> Option<hmac::Algorithm> {
    match algorithm {
        HMAC_SHA1 => Some(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY),
        HMAC_SHA256 => Some(hmac::HMAC_SHA256),
        HMAC_SHA512 => Some(hmac::HMAC_SHA512),
        _ => None,
    }
}

/// `len` bytes at `ptr`, or `None` for a null pointer (with a length) or a negative length.
///
/// # Safety
/// A non-null `ptr` must be readable for `len` bytes for the returned lifetime.
unsafe fn bytes<'a>(ptr: *const u8, len: c_int) -> Option<&'a [u8]> {
    let len = usize::try_from(len).ok()?;
    if len == 0 {
        return Some(&[]);
    }
    // SAFETY: non-null, and the caller vouches for `len` readable bytes.
    (!ptr.is_null()).then(|| unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// # Safety
/// A non-null `ptr` must be writable for `len` bytes for the returned lifetime.
unsafe fn bytes_mut<'a>(ptr: *mut u8, len: c_int) -> Option<&'a mut [u8]> {
    let len = usize::try_from(len).ok()?;
    // SAFETY: non-null, and the caller vouches for `len` writable bytes.
    (!ptr.is_null() && len > 0).then(|| unsafe { std::slice::from_raw_parts_mut(ptr, len) })
}

unsafe extern "C" fn random(_: *mut c_void, buffer: *mut c_void, length: c_int) -> c_int {
    // SAFETY: SQLCipher passes a buffer of `length` bytes.
    let Some(out) = (unsafe { bytes_mut(buffer.cast(), length) }) else {
        return SQLITE_ERROR;
    };
    match ring::rand::SystemRandom::new().fill(out) {
        Ok(()) => SQLITE_OK,
        Err(_) => SQLITE_ERROR,
    }
}

/// HMAC of `in` then `in2` (SQLCipher MACs a page and then its number).
#[allow(clippy::too_many_arguments)]
unsafe extern "C" fn hmac_fn(
    _: *mut c_void,
    algorithm: c_int,
    key: *const u8,
    key_sz: c_int,
    input: *const u8,
    in_sz: c_int,
    input2: *const u8,
    in2_sz: c_int,
    out: *mut u8,
) -> c_int {
    let Some(algorithm) = hmac_algorithm(algorithm) else {
        return SQLITE_ERROR;
    };
    let size = algorithm.digest_algorithm().output_len() as c_int;
    // SAFETY: SQLCipher passes each buffer with its size, and `out` of the MAC's size;
    // `in2` may be null (then it is left out).
    let (Some(key), Some(input), Some(out)) = (unsafe {
        (
            bytes(key, key_sz),
            (!input.is_null()).then(|| bytes(input, in_sz)).flatten(),
            bytes_mut(out, size),
        )
    }) else {
        return SQLITE_ERROR;
    };
    let mut ctx = hmac::Context::with_key(&hmac::Key::new(algorithm, key));
    ctx.update(input);
    if !input2.is_null() {
        // SAFETY: as above.
        let Some(input2) = (unsafe { bytes(input2, in2_sz) }) else {
            return SQLITE_ERROR;
        };
        ctx.update(input2);
    }
    out.copy_from_slice(ctx.sign().as_ref());
    SQLITE_OK
}

/// PBKDF2 with the HMAC `algorithm`, `workfactor` rounds.
#[allow(clippy::too_many_arguments)]
unsafe extern "C" fn kdf(
    _: *mut c_void,
    algorithm: c_int,
    pass: *const u8,
    pass_sz: c_int,
    salt: *const u8,
    salt_sz: c_int,
    workfactor: c_int,
    key_sz: c_int,
    key: *mut u8,
) -> c_int {
    let algorithm = match algorithm {
        HMAC_SHA1 => pbkdf2::PBKDF2_HMAC_SHA1,
        HMAC_SHA256 => pbkdf2::PBKDF2_HMAC_SHA256,
        HMAC_SHA512 => pbkdf2::PBKDF2_HMAC_SHA512,
        _ => return SQLITE_ERROR,
    };
    let Some(rounds) = u32::try_from(workfactor).ok().and_then(NonZeroU32::new) else {
        return SQLITE_ERROR;
    };
    // SAFETY: SQLCipher passes each buffer with its size.
    let (Some(pass), Some(salt), Some(out)) = (unsafe {
        (
            bytes(pass, pass_sz),
            bytes(salt, salt_sz),
            bytes_mut(key, key_sz),
        )
    }) else {
        return SQLITE_ERROR;
    };
    pbkdf2::derive(algorithm, rounds, salt, pass, out);
    SQLITE_OK
}

/// AES-256-CBC over whole blocks, no padding (a page's payload is a multiple of 16).
#[allow(clippy::too_many_arguments)]
unsafe extern "C" fn cipher(
    _: *mut c_void,
    mode: c_int,
    key: *const u8,
    key_sz: c_int,
    iv: *const u8,
    input: *const u8,
    in_sz: c_int,
    out: *mut u8,
) -> c_int {
    if in_sz <= 0 || in_sz % BLOCK_SZ != 0 || key_sz != KEY_SZ || input.is_null() || out.is_null() {
        return SQLITE_ERROR;
    }
    // SAFETY: SQLCipher passes a 32-byte key, a 16-byte IV, and `in_sz` bytes to read and
    // to write; the input is copied out first, so the two may overlap.
    let (Some(key), Some(iv), Some(input)) =
        (unsafe { (bytes(key, KEY_SZ), bytes(iv, BLOCK_SZ), bytes(input, in_sz)) })
    else {
        return SQLITE_ERROR;
    };
    let mut buf = zeroize::Zeroizing::new(input.to_vec());
    let (blocks, rest) = Array::slice_as_chunks_mut(buf.as_mut_slice());
    if !rest.is_empty() {
        return SQLITE_ERROR;
    }
    match mode {
        CIPHER_ENCRYPT => match cbc::Encryptor::<Aes256>::new_from_slices(key, iv) {
            Ok(mut c) => c.encrypt_blocks(blocks),
            Err(_) => return SQLITE_ERROR,
        },
        CIPHER_DECRYPT => match cbc::Decryptor::<Aes256>::new_from_slices(key, iv) {
            Ok(mut c) => c.decrypt_blocks(blocks),
            Err(_) => return SQLITE_ERROR,
        },
        _ => return SQLITE_ERROR,
    }
    // SAFETY: `out` is writable for `in_sz` bytes.
    let Some(out) = (unsafe { bytes_mut(out, in_sz) }) else {
        return SQLITE_ERROR;
    };
    out.copy_from_slice(&buf);
    SQLITE_OK
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        hex::decode(s.split_whitespace().collect::<String>()).unwrap()
    }

    /// NIST SP 800-38A, F.2.5 (CBC-AES256.Encrypt) and F.2.6.
    #[test]
    fn the_cipher_is_aes_256_cbc() {
        let key = unhex("603deb1015ca71be2b73aef0857d7781 1f352c073b6108d72d9810a30914dff4");
        let iv = unhex("000102030405060708090a0b0c0d0e0f");
        let plain = unhex(
            "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51
             30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710",
        );
        let expect = unhex(
            "f58c4c04d6e5f1ba779eabfb5f7bfbd6 9cfc4e967edb808d679f777bc6702c7d
             39f23369a9d9bacfa530e26304231461 b2eb05e2c39be9fcda6c19078c6a9d1b",
        );
        let run = |mode, input: &[u8]| {
            let mut out = vec![0u8; input.len()];
            let rc = unsafe {
                cipher(
                    std::ptr::null_mut(),
                    mode,
                    key.as_ptr(),
                    KEY_SZ,
                    iv.as_ptr(),
                    input.as_ptr(),
                    input.len() as c_int,
                    out.as_mut_ptr(),
                )
            };
            assert_eq!(rc, SQLITE_OK);
            out
        };
        assert_eq!(run(CIPHER_ENCRYPT, &plain), expect);
        assert_eq!(run(CIPHER_DECRYPT, &expect), plain);
        let mut out = [0u8; 16];
        let partial = unsafe {
            cipher(
                std::ptr::null_mut(),
                CIPHER_ENCRYPT,
                key.as_ptr(),
                KEY_SZ,
                iv.as_ptr(),
                plain.as_ptr(),
                15,
                out.as_mut_ptr(),
            )
        };
        assert_eq!(partial, SQLITE_ERROR, "not a whole block");
    }

    /// RFC 4231 test case 2 (HMAC-SHA-512 of "what do ya want for nothing?"), fed in two
    /// parts as SQLCipher feeds a page and its number.
    #[test]
    fn the_mac_is_hmac_over_both_inputs() {
        let (a, b) = (b"what do ya want ".as_slice(), b"for nothing?".as_slice());
        let mut out = [0u8; 64];
        let rc = unsafe {
            hmac_fn(
                std::ptr::null_mut(),
                HMAC_SHA512,
                b"Jefe".as_ptr(),
                4,
                a.as_ptr(),
                a.len() as c_int,
                b.as_ptr(),
                b.len() as c_int,
                out.as_mut_ptr(),
            )
        };
        assert_eq!(rc, SQLITE_OK);
        assert_eq!(
            out.to_vec(),
            unhex(
                "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554
                 9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"
            )
        );
        assert_eq!(hmac_size(std::ptr::null_mut(), HMAC_SHA512), 64);
        assert_eq!(hmac_size(std::ptr::null_mut(), 9), 0);
    }

    /// RFC 6070's first PBKDF2-HMAC-SHA1 vector; and nonsense refused, not panicked on.
    #[test]
    fn the_kdf_is_pbkdf2_and_refuses_nonsense() {
        let mut out = [0u8; 20];
        let rc = unsafe {
            kdf(
                std::ptr::null_mut(),
                HMAC_SHA1,
                b"password".as_ptr(),
                8,
                b"salt".as_ptr(),
                4,
                1,
                20,
                out.as_mut_ptr(),
            )
        };
        assert_eq!(rc, SQLITE_OK);
        assert_eq!(
            out.to_vec(),
            unhex("0c60c80f961f0e71f3a9b524af6012062fe037a6")
        );
        let bad = unsafe {
            kdf(
                std::ptr::null_mut(),
                HMAC_SHA1,
                std::ptr::null(),
                8,
                b"salt".as_ptr(),
                4,
                0,
                20,
                out.as_mut_ptr(),
            )
        };
        assert_eq!(bad, SQLITE_ERROR);
    }
}
