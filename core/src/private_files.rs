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

/// Creates `file` empty if missing, owner-only; makes an existing one owner-only.
pub fn private_file(file: &Path) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(file)?;
    restrict(file, 0o600)
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
    }
}
