//! The issuer's private keys as files under `<data_dir>/issuer-keys/`,
//! readable by the server's user only. Made once, on the first start, and
//! kept: a verifier caches the public keys, so a new key at every start
//! would make every licence already shown unverifiable.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

const DIR: &str = "issuer-keys";

/// `<data_dir>/issuer-keys/<name>.key`.
fn key_path(data_dir: &Path, name: &str) -> PathBuf {
    data_dir.join(DIR).join(format!("{name}.key"))
}

/// The key bytes stored under `name`, or `make()`'s, stored first. The
/// file is written to a temporary name and renamed, so a crash never
/// leaves half a key that a restart would read.
pub(crate) fn load_or_create(
    data_dir: &Path,
    name: &str,
    make: impl FnOnce() -> Vec<u8>,
) -> anyhow::Result<Vec<u8>> {
    let path = key_path(data_dir, name);
    match std::fs::read(&path) {
        Ok(bytes) => return Ok(bytes),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => return Err(error).with_context(|| format!("reading {}", path.display())),
    }
    let dir = data_dir.join(DIR);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    restrict_dir(&dir)?;
    let bytes = make();
    let temporary = dir.join(format!("{name}.key.new"));
    let mut file = owner_only()
        .open(&temporary)
        .with_context(|| format!("creating {}", temporary.display()))?;
    file.write_all(&bytes)?;
    file.sync_all()?;
    std::fs::rename(&temporary, &path).with_context(|| format!("storing {}", path.display()))?;
    Ok(bytes)
}

#[cfg(unix)]
fn owner_only() -> OpenOptions {
    use std::os::unix::fs::OpenOptionsExt;
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true).mode(0o600);
    options
}

#[cfg(not(unix))]
fn owner_only() -> OpenOptions {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    options
}

#[cfg(unix)]
fn restrict_dir(dir: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
        .with_context(|| format!("restricting {}", dir.display()))
}

#[cfg(not(unix))]
fn restrict_dir(_dir: &Path) -> anyhow::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_once_then_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let first = load_or_create(dir.path(), "ed25519", || vec![1, 2, 3]).unwrap();
        let again = load_or_create(dir.path(), "ed25519", || vec![9]).unwrap();
        assert_eq!(first, [1, 2, 3]);
        assert_eq!(again, first);
    }

    #[cfg(unix)]
    #[test]
    fn only_the_owner_may_read_a_key() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        load_or_create(dir.path(), "sm2", || vec![7; 32]).unwrap();
        let mode = std::fs::metadata(key_path(dir.path(), "sm2"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
