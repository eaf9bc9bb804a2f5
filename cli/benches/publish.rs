//! `audacities publish` of one entry, measured from process start to exit, as a person or a
//! script runs it: the release binary, a real home, one draft file.
//!
//! Run: `cargo bench -p audacities --bench publish`.

use std::process::Command;
use std::time::Instant;

const DRAFT: &str = r#"
kind = "governance_practice"
lang = "fr"
themes = ["public_space", "participation"]
object_kind = "shared_space"
instrument = "regulation"
[title]
fr = "Usage civique de bâtiments publics comme communs"
en = "Civic use of public buildings as commons"
[place]
name = "Naples"
country = "IT"
"#;

fn run(args: &[&str], home: &std::path::Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_audacities"))
        .arg("--home")
        .arg(home)
        .args(args)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("run audacities");
    assert!(status.success(), "audacities {args:?} failed");
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let home = dir.path().join("home");
    run(&["init", "--city", "Bench", "--country", "IT"], &home);
    let draft = dir.path().join("draft.toml");
    std::fs::write(&draft, DRAFT).expect("write draft");
    let draft = draft.to_str().expect("utf-8 path");

    // Warm the page cache once, then measure.
    run(&["publish", draft], &home);
    let mut times = Vec::new();
    for _ in 0..50 {
        let started = Instant::now();
        run(&["publish", draft], &home);
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "publish one entry, process start to exit: median {:.1} ms, p90 {:.1} ms, max {:.1} ms ({} runs)",
        times[times.len() / 2],
        times[times.len() * 9 / 10],
        times[times.len() - 1],
        times.len()
    );
}
