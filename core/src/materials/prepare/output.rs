//! Writing the prepared file: into a temporary file beside the target,
//! hashed (sha256) on the way, synced, then renamed over the target, so a
//! reader (the upload queue after an app kill) sees the old file or the
//! whole new one, never a half-written one.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use rand::Rng;
use sha2::{Digest, Sha256};

/// A writer that hashes and counts what goes through it.
pub(crate) struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
    written: u64,
}

impl<W: Write> HashingWriter<W> {
    pub fn new(inner: W) -> Self {
        Self {
            inner,
            hasher: Sha256::new(),
            written: 0,
        }
    }

    /// The inner writer, the lowercase hex sha256 and the byte count.
    pub fn finish(self) -> (W, String, u64) {
        (
            self.inner,
            hex::encode(self.hasher.finalize()),
            self.written,
        )
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The sha256 of bytes already in memory, lowercase hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A file being written beside its final path; removed when dropped
/// before [`PendingFile::commit`].
pub(crate) struct PendingFile {
    temp_path: PathBuf,
    target: PathBuf,
    writer: Option<HashingWriter<BufWriter<File>>>,
}

impl PendingFile {
    pub fn beside(target: &Path) -> io::Result<Self> {
        // Renaming over a device or a folder would replace it (as root,
        // even /dev/null): only a regular file, or nothing, may be replaced.
        if let Ok(existing) = fs::symlink_metadata(target)
            && !existing.is_file()
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the output exists and is not a regular file",
            ));
        }
        let name = target.file_name().ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidInput, "output has no file name")
        })?;
        let folder = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        // Same folder, so the rename is atomic; a random part so two
        // preparations of the same target don't share a temporary file.
        let suffix: u64 = rand::rng().random();
        let temp_path = folder.join(format!(".{}.{suffix:016x}.part", name.to_string_lossy()));
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp_path)?;
        Ok(Self {
            temp_path,
            target: target.to_path_buf(),
            writer: Some(HashingWriter::new(BufWriter::with_capacity(
                256 * 1024,
                file,
            ))),
        })
    }

    pub fn writer(&mut self) -> &mut HashingWriter<BufWriter<File>> {
        self.writer.as_mut().expect("writer is there until commit")
    }

    /// Syncs and renames into place; returns the sha256 and size written.
    pub fn commit(mut self) -> io::Result<(String, u64)> {
        let writer = self.writer.take().expect("commit happens once");
        let (buffered, sha256, size) = writer.finish();
        let file = buffered.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        drop(file);
        fs::rename(&self.temp_path, &self.target)?;
        // The rename itself is durable once the folder is synced (POSIX).
        #[cfg(unix)]
        if let Some(folder) = self.target.parent().filter(|p| !p.as_os_str().is_empty()) {
            if let Ok(folder) = File::open(folder) {
                let _ = folder.sync_all();
            }
        }
        self.temp_path = PathBuf::new();
        Ok((sha256, size))
    }
}

impl Drop for PendingFile {
    fn drop(&mut self) {
        if !self.temp_path.as_os_str().is_empty() {
            self.writer = None;
            let _ = fs::remove_file(&self.temp_path);
        }
    }
}
