//! The cache's encryption at rest: SQLCipher, keyed with a random 256-bit key.
//!
//! Every page of the database and of its WAL is encrypted (AES-256-CBC) and authenticated
//! (HMAC-SHA512) by SQLCipher, so a copy of the files shows no amount, name or token. The
//! primitives are ring's and RustCrypto's (`sqlcipher_crypto`), not OpenSSL's. The
//! key is raw (`x'…'`), not a passphrase: it is random, so SQLCipher's PBKDF2 would only
//! cost time at every open. Who holds the key is the wallet's business (`wallet::storage`).

use std::io::Read;
use std::path::Path;

use rusqlite::Connection;
use zeroize::Zeroizing;

use super::CacheError;

/// The 256-bit key of one wallet's cache. Wiped when dropped.
pub struct CacheKey(Zeroizing<[u8; 32]>);

impl CacheKey {
    pub const LEN: usize = 32;

    pub fn generate() -> Result<Self, CacheError> {
        crate::keys::random_bytes::<32>()
            .map(|b| CacheKey(Zeroizing::new(b)))
            .map_err(|e| CacheError::Key(e.to_string()))
    }

    /// `None` unless `bytes` is exactly [`CacheKey::LEN`] long.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let key: [u8; 32] = bytes.try_into().ok()?;
        Some(CacheKey(Zeroizing::new(key)))
    }

    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_slice()
    }

    /// The key as SQLCipher's raw-key literal, `"x'<64 hex digits>'"`.
    fn literal(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("\"x'{}'\"", hex::encode(self.0.as_slice())))
    }
}

impl std::fmt::Debug for CacheKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CacheKey(…)")
    }
}

/// Keys a freshly opened connection (before anything else touches the file) and proves the
/// key right by reading the schema: a wrong key, or a file that is not a cache, is
/// [`CacheError::WrongKey`].
pub(super) fn apply(conn: &Connection, key: &CacheKey) -> Result<(), CacheError> {
    super::sqlcipher_crypto::linked();
    conn.execute_batch(&format!("PRAGMA key = {};", key.literal().as_str()))?;
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    }) {
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::NotADatabase =>
        {
            Err(CacheError::WrongKey)
        }
        Err(e) => Err(e.into()),
    }
}

const PLAINTEXT_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Whether `path` is an unencrypted SQLite database (a cache from before encryption). A
/// missing or empty file is not.
pub fn is_plaintext(path: &Path) -> std::io::Result<bool> {
    let mut header = [0u8; 16];
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    let mut read = 0;
    while read < header.len() {
        match file.read(&mut header[read..])? {
            0 => return Ok(false),
            n => read += n,
        }
    }
    Ok(&header == PLAINTEXT_HEADER)
}

/// Rewrites the unencrypted cache at `path` encrypted under `key`, in place.
///
/// The encrypted copy is written beside it (`sqlcipher_export`) and renamed over the
/// original, so a crash leaves either the old plaintext cache (encrypted again at the next
/// open) or the new one, never half of each.
pub fn encrypt_in_place(path: &Path, key: &CacheKey) -> Result<(), CacheError> {
    let io = |e: std::io::Error| CacheError::Key(format!("{}: {e}", path.display()));
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let staging = path.with_file_name(format!(".{name}.encrypting"));
    for stale in [
        staging.clone(),
        sidecar(&staging, "-wal"),
        sidecar(&staging, "-shm"),
    ] {
        match std::fs::remove_file(&stale) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(e)),
            _ => {}
        }
    }
    crate::private_files::private_file(&staging).map_err(io)?;
    {
        let plain = Connection::open(path)?;
        let version: i64 = plain.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        plain.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        plain.execute(
            &format!(
                "ATTACH DATABASE ?1 AS encrypted KEY {}",
                key.literal().as_str()
            ),
            [staging.to_string_lossy()],
        )?;
        plain.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
        plain.execute_batch(&format!(
            "PRAGMA encrypted.user_version = {version}; DETACH DATABASE encrypted;"
        ))?;
        plain.execute_batch("PRAGMA journal_mode = DELETE;")?;
    }
    std::fs::File::open(&staging)
        .and_then(|f| f.sync_all())
        .map_err(io)?;
    for old in [sidecar(path, "-wal"), sidecar(path, "-shm")] {
        match std::fs::remove_file(&old) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(e)),
            _ => {}
        }
    }
    std::fs::rename(&staging, path).map_err(io)?;
    Ok(())
}

fn sidecar(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    s.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::Cache;

    fn holds(path: &Path, needle: &[u8]) -> bool {
        let bytes = std::fs::read(path).unwrap_or_default();
        bytes.windows(needle.len()).any(|w| w == needle)
    }

    /// A database SQLCipher 4.10 wrote on OpenSSL (`tests/fixtures/sqlcipher-openssl.sqlcipher`,
    /// key 00 01 … 1f) opens and reads on our provider: the same format, byte for byte.
    #[test]
    fn a_database_sqlcipher_wrote_on_openssl_reads_on_our_provider() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("openssl.db");
        std::fs::copy(
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/sqlcipher-openssl.sqlcipher"
            ),
            &path,
        )
        .unwrap();
        let key = CacheKey::from_bytes(&(0u8..32).collect::<Vec<_>>()).unwrap();
        let conn = Connection::open(&path).unwrap();
        apply(&conn, &key).unwrap();
        let provider: String = conn
            .query_row("PRAGMA cipher_provider", [], |r| r.get(0))
            .unwrap();
        assert_eq!(provider, "purse-ring");
        let (note, minor): (String, i64) = conn
            .query_row("SELECT note, minor FROM t", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(
            (note.as_str(), minor),
            ("written by SQLCipher on OpenSSL", 12345)
        );
        // And what our provider writes, it reads back after a reopen.
        conn.execute("INSERT INTO t VALUES ('written on ring', 7)", [])
            .unwrap();
        drop(conn);
        let conn = Connection::open(&path).unwrap();
        apply(&conn, &key).unwrap();
        let n: i64 = conn
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 2);
        let wrong = CacheKey::from_bytes(&[7u8; 32]).unwrap();
        let conn = Connection::open(&path).unwrap();
        assert!(matches!(apply(&conn, &wrong), Err(CacheError::WrongKey)));
    }

    #[test]
    fn the_right_key_opens_and_a_wrong_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        let key = CacheKey::generate().unwrap();
        {
            let mut c = Cache::open(&path, &key).unwrap();
            c.upsert_transactions(&[crate::cache::tests::tx(7)])
                .unwrap();
        }
        assert!(!is_plaintext(&path).unwrap());
        let c = Cache::open(&path, &CacheKey::from_bytes(key.as_bytes()).unwrap()).unwrap();
        assert_eq!(c.history_page(10, None).unwrap().data.len(), 1);
        let other = CacheKey::generate().unwrap();
        assert!(matches!(
            Cache::open(&path, &other),
            Err(CacheError::WrongKey)
        ));
    }

    #[test]
    fn an_old_plaintext_cache_is_encrypted_with_its_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        {
            let mut conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "journal_mode", "WAL").unwrap();
            crate::cache::schema::upgrade(&mut conn).unwrap();
            conn.execute(
                "INSERT INTO transactions (transaction_id, seq, kind, amount_minor, currency,
                    counterparty, description, status, created_at)
                 VALUES ('tx_plain', 1, 'topup', 4242, 'CNY', 'Visa', 'Top-up', 'completed', 1)",
                [],
            )
            .unwrap();
        }
        assert!(is_plaintext(&path).unwrap());
        assert!(holds(&path, b"tx_plain") || holds(&sidecar(&path, "-wal"), b"tx_plain"));

        let key = CacheKey::generate().unwrap();
        encrypt_in_place(&path, &key).unwrap();
        assert!(!is_plaintext(&path).unwrap());
        assert!(!holds(&path, b"tx_plain"));
        assert!(!sidecar(&path, "-wal").exists() || !holds(&sidecar(&path, "-wal"), b"tx_plain"));
        let c = Cache::open(&path, &key).unwrap();
        let page = c.history_page(10, None).unwrap();
        assert_eq!(page.data[0].transaction_id, "tx_plain");
        assert_eq!(page.data[0].amount.minor, 4242);
    }

    #[test]
    fn short_or_missing_files_are_not_plaintext() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!is_plaintext(&dir.path().join("none")).unwrap());
        std::fs::write(dir.path().join("short"), b"SQLite").unwrap();
        assert!(!is_plaintext(&dir.path().join("short")).unwrap());
    }
}
