//! Files only their owner may read: the wallet's cache (wrapped keys, history, the outbox,
//! the failed-unlock counter), a merchant's profile, the backend's database. Folders are
//! made `0700` and files `0600`, and ones found looser are tightened, since anyone who can
//! copy such a file can read it at leisure. SQLite gives its `-wal` and `-shm` files the
//! mode of the database file, so creating that private covers them.
//!
//! On other systems than Unix these only create what is missing.

use std::io;
use std::path::Path;

/// Creates `dir` (and its parents) if missing, then makes it owner-only.
pub fn private_dir(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    restrict(dir, 0o700)
}

/// Opening for writing, creating owner-only.
fn owner_only() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

/// Creates `file` empty if missing, owner-only; makes an existing one owner-only.
pub fn private_file(file: &Path) -> io::Result<()> {
    owner_only().create(true).truncate(false).open(file)?;
    restrict(file, 0o600)
}

/// Creates `file` holding `bytes`, owner-only, in one step: written under a temporary name
/// beside it and linked into place, so no reader sees it half-written and of two processes
/// creating it at once one wins and the other gets `AlreadyExists`.
pub fn create_new_private(file: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    let name = file.file_name().unwrap_or_default().to_string_lossy();
    let tmp = file.with_file_name(format!(".{name}.{}.{nanos}.tmp", std::process::id()));
    let mut f = owner_only().create_new(true).open(&tmp)?;
    let written = f.write_all(bytes).and_then(|()| f.sync_all());
    let linked = written.and_then(|()| std::fs::hard_link(&tmp, file));
    let _ = std::fs::remove_file(&tmp);
    linked
}

/// Whether only the owner may read or write `file` (always so off Unix).
pub fn is_private(file: &Path) -> io::Result<bool> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Ok(std::fs::metadata(file)?.permissions().mode() & 0o077 == 0)
    }
    #[cfg(not(unix))]
    {
        std::fs::metadata(file).map(|_| true)
    }
}

/// Writes `bytes` to `file`, owner-only (replacing what was there).
pub fn write_private(file: &Path, bytes: &[u8]) -> io::Result<()> {
    private_file(file)?;
    std::fs::write(file, bytes)
}

#[cfg(unix)]
fn restrict(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let current = std::fs::metadata(path)?.permissions().mode() & 0o777;
    if current & !mode != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(current & mode))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn restrict(_: &Path, _: u32) -> io::Result<()> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn new_and_loose_files_and_folders_become_owner_only() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("a/b");
        private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        let file = dir.join("wallet.db");
        private_file(&file).unwrap();
        assert_eq!(mode(&file), 0o600);

        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        private_dir(&dir).unwrap();
        private_file(&file).unwrap();
        assert_eq!((mode(&dir), mode(&file)), (0o700, 0o600));

        write_private(&dir.join("merchant.json"), b"{}").unwrap();
        assert_eq!(mode(&dir.join("merchant.json")), 0o600);
        // Existing content is kept by private_file.
        write_private(&file, b"data").unwrap();
        private_file(&file).unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"data");
        assert!(is_private(&file).unwrap());
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
        assert!(!is_private(&file).unwrap());
    }

    #[test]
    fn a_new_file_appears_whole_and_only_once() {
        let tmp = tempfile::tempdir().unwrap();
        let key = tmp.path().join("backend.key");
        create_new_private(&key, b"first").unwrap();
        assert_eq!(mode(&key), 0o600);
        let again = create_new_private(&key, b"second").unwrap_err();
        assert_eq!(again.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&key).unwrap(), b"first");
        let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file left behind");
    }
}
