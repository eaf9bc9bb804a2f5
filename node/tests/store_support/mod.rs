//! Shared helpers for the `store_*` integration tests: drafts, signed entries, a store in a
//! temporary directory.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use audacities_node::store::Store;
use audacities_protocol::{Draft, Entry, Format, SecretKey};

/// A fixed creation time (2025-01-01T00:00:00Z) plus `n` minutes.
pub fn at(n: u64) -> u64 {
    1_735_689_600_000 + n * 60_000
}

/// The city key made from seed `n`.
pub fn key(n: u8) -> SecretKey {
    SecretKey::from_bytes([n; 32])
}

/// Parses a TOML draft, panicking with its problems (test input is ours).
pub fn draft(toml: &str) -> Draft {
    Draft::parse(toml, Format::Toml).unwrap_or_else(|e| panic!("bad test draft: {e}\n{toml}"))
}

/// Signs `draft` with key `seed` at time `at(minute)`.
pub fn sign(draft: &Draft, seed: u8, minute: u64) -> Entry {
    Entry::sign(draft, &key(seed), at(minute), None).expect("sign")
}

/// A small valid `method` draft with the given French and English titles and themes.
pub fn method(title_fr: &str, title_en: &str, themes: &[&str]) -> Draft {
    let themes = themes
        .iter()
        .map(|t| format!("{t:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut toml = format!(
        "kind = \"method\"\nlang = \"fr\"\nlicence = \"CC-BY-4.0\"\nmethod_type = \"survey\"\n\
         themes = [{themes}]\n\n[title]\nfr = {title_fr:?}\n"
    );
    if !title_en.is_empty() {
        toml.push_str(&format!("en = {title_en:?}\n"));
    }
    toml.push_str(
        "\n[purpose]\nfr = \"Comprendre ce que vivent les habitants.\"\n\n\
         [[steps]]\nfr = \"Poser les questions.\"\n",
    );
    draft(&toml)
}

/// A `method` draft whose summary and body carry the given texts (French original).
pub fn method_with(title_fr: &str, summary_fr: &str, body_fr: &str) -> Draft {
    draft(&format!(
        "kind = \"method\"\nlang = \"fr\"\nlicence = \"CC-BY-4.0\"\nmethod_type = \"survey\"\n\
         themes = [\"participation\"]\n\n[title]\nfr = {title_fr:?}\n\n\
         [summary]\nfr = {summary_fr:?}\n\n[body]\nfr = {body_fr:?}\n\n\
         [purpose]\nfr = \"Comprendre.\"\n\n[[steps]]\nfr = \"Demander.\"\n"
    ))
}

/// The project's eighteen example drafts (`examples/`), with their file names.
pub fn examples() -> Vec<(String, Draft)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("examples/")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| {
            let numbered = p
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit()));
            numbered
                && p.extension()
                    .and_then(|e| e.to_str())
                    .and_then(Format::from_extension)
                    .is_some()
        })
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let format = path
                .extension()
                .and_then(|e| e.to_str())
                .and_then(Format::from_extension)
                .expect("format");
            let text = std::fs::read_to_string(&path).expect("read example");
            let draft =
                Draft::parse(&text, format).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_owned();
            (name, draft)
        })
        .collect()
}

/// The examples signed by city key 1, one minute apart, in file order.
pub fn example_entries() -> Vec<Entry> {
    examples()
        .iter()
        .enumerate()
        .map(|(i, (_, d))| sign(d, 1, i as u64))
        .collect()
}

/// A store in a fresh temporary directory (kept alive by the returned guard).
pub fn temp_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("commons.db")).expect("open store");
    (dir, store)
}

/// Runs a future to completion on this thread (no async runtime in this crate's tests).
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};

    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(out) => return out,
            Poll::Pending => std::thread::park(),
        }
    }
}
