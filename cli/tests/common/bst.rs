//! `bst` as the end-to-end tests run it: one installation (the platform's
//! URL and a data folder) whose session outlasts each command, because
//! secrets stay in the data folder (`--secret-store insecure-file`) rather
//! than the OS keystore, which a CI container may not offer.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use tempfile::TempDir;

use super::{Platform, text};

/// One installation of `bst`: the platform's URL and a data folder.
pub struct Bst {
    api: String,
    data: TempDir,
}

impl Bst {
    pub fn new(platform: &Platform) -> Bst {
        Bst {
            api: platform.url(),
            data: tempfile::tempdir().unwrap(),
        }
    }

    pub fn data(&self) -> &Path {
        self.data.path()
    }

    /// `bst ARGS` for this installation, to run or spawn.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_bst"));
        command
            .args([
                "--api",
                &self.api,
                "--secret-store",
                "insecure-file",
                "--data",
            ])
            .arg(self.data())
            .args(args)
            .env_remove("BST_API")
            .env_remove("BST_DATA")
            .env_remove("BST_SECRET_STORE")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null());
        command
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("bst runs")
    }

    /// Expects success; standard output.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "bst {args:?} failed ({}): {}",
            out.status,
            text(&out.stderr)
        );
        text(&out.stdout)
    }

    /// `bst --json …`: expects success, parses standard output.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let stdout = self.ok(&all);
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("bst {args:?}: {e}: {stdout}"))
    }

    /// Expects exit status 1; (stdout, stderr).
    pub fn fails(&self, args: &[&str]) -> (String, String) {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(1),
            "bst {args:?} should fail: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        (text(&out.stdout), text(&out.stderr))
    }
}

/// The phone photo `bst demo` uploads: taken sideways, GPS in its EXIF.
pub fn sample_photo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/sideways-gps-photo.jpg")
}

/// Writes a PDF of `size` bytes (at least 64) into `dir`: a real header and
/// trailer around letters that `seed` varies (another seed, another sha256).
pub fn sample_pdf(dir: &Path, size: usize, seed: u64) -> PathBuf {
    let mut bytes = b"%PDF-1.4\n".to_vec();
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    while bytes.len() < size - 7 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        bytes.push(if bytes.len() % 64 == 0 {
            b'\n'
        } else {
            b'a' + (state % 26) as u8
        });
    }
    bytes.extend_from_slice(b"\n%%EOF\n");
    let path = dir.join(format!("scan-{seed}.pdf"));
    std::fs::write(&path, bytes).unwrap();
    path
}
