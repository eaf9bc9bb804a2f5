//! The `audacities` command as a user runs it: a real binary, a real home in a temp dir.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

/// A home in a temp dir and the `audacities` command pointed at it.
struct Cli {
    dir: tempfile::TempDir,
}

impl Cli {
    /// A fresh, initialised home.
    fn new() -> Self {
        let cli = Self::uninitialised();
        cli.cmd()
            .args(["init", "--city", "Lyon", "--country", "FR"])
            .assert()
            .success();
        cli
    }

    fn uninitialised() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("audacities").unwrap();
        cmd.env_remove("AUDACITIES_LANG")
            .env("LANG", "en_US.UTF-8")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .arg("--home")
            .arg(self.home());
        cmd
    }

    /// Runs a command with `--json` and parses its whole stdout.
    fn json(&self, args: &[&str]) -> Value {
        let out = self.cmd().args(args).arg("--json").output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{args:?}: stdout is not one JSON value ({e}): {}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    /// This home's city key, as `audacities id` prints it.
    fn city_key(&self) -> String {
        self.json(&["id"])["city_key"]
            .as_str()
            .expect("city_key is a string")
            .to_owned()
    }

    /// Puts `other`'s city on this home's trust list.
    fn trust(&self, other: &Cli) {
        self.cmd()
            .args(["trust", "add", &other.city_key()])
            .assert()
            .success();
    }

    fn count(&self) -> usize {
        self.json(&["list", "--limit", "100000"])
            .as_array()
            .unwrap()
            .len()
    }
}

fn examples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap() != "README.md")
        .collect();
    files.sort();
    files
}

fn publish_examples(cli: &Cli) -> Vec<Value> {
    let out = cli
        .cmd()
        .arg("publish")
        .args(examples())
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

const VALID: &str = r#"
kind = "actor"
lang = "en"
themes = ["mobility"]
actor_category = "navigation_data"
sector = "for_profit"
[title]
en = "Waze"
fr = "Waze"
"#;

#[test]
fn init_creates_a_private_key_never_printed_and_never_overwritten() {
    let cli = Cli::uninitialised();
    let out = cli
        .cmd()
        .args(["init", "--city", "Lyon", "--country", "FR"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let key_path = cli.home().join("keys/city.key");
    let secret = std::fs::read(&key_path).unwrap();
    assert_eq!(secret.len(), 32);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let printed = String::from_utf8(out.stdout).unwrap();
    let secret_hex: String = secret.iter().map(|b| format!("{b:02x}")).collect();
    assert!(!printed.contains(&secret_hex));
    assert!(printed.contains("City key"));
    let config = std::fs::read_to_string(cli.home().join("config.toml")).unwrap();
    assert!(config.contains("name = \"Lyon\"") && !config.contains(&secret_hex));

    cli.cmd()
        .args(["init", "--city", "Other"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("already"));
    assert_eq!(std::fs::read(&key_path).unwrap(), secret);
}

#[test]
fn the_examples_publish_and_are_found_by_search_in_both_languages() {
    let cli = Cli::new();
    let published = publish_examples(&cli);
    assert_eq!(published.len(), examples().len());
    assert!(
        published
            .iter()
            .all(|p| p["status"] == "published" && p["id"].as_str().unwrap().len() == 64)
    );
    let kinds: std::collections::BTreeSet<&str> = published
        .iter()
        .map(|p| p["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 9, "every kind has an example: {kinds:?}");
    assert_eq!(cli.count(), examples().len());

    for (query, needle) in [
        ("deliberations", "délibérations"),
        ("seoul", "Séoul"),
        ("SÉOUL", "Séoul"),
    ] {
        let hits = cli.json(&["search", query]);
        let hits = hits.as_array().unwrap();
        assert!(!hits.is_empty(), "{query} found nothing");
        let text = serde_json::to_string(hits).unwrap();
        assert!(
            text.contains(needle) || text.to_lowercase().contains(&needle.to_lowercase()),
            "{query}: {text}"
        );
    }
    // English and French words each find entries.
    assert!(
        !cli.json(&["search", "commons"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(
        !cli.json(&["search", "communs"])
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Publishing the same files again adds nothing new only if the same bytes are signed;
    // a new signature time makes new entries, so check duplicates through import instead.
    let scenarios = cli.json(&["list", "--kind", "scenario"]);
    assert!(
        scenarios
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["kind"] == "scenario")
    );
    let english = cli.json(&["list", "--lang", "en"]);
    assert_eq!(english.as_array().unwrap().len(), examples().len());
}

#[test]
fn an_invalid_draft_names_the_file_and_field_and_stores_nothing() {
    let cli = Cli::new();
    let good = cli.write("good.toml", VALID);
    let bad = cli.write(
        "bad.toml",
        r#"
kind = "case_study"
lang = "en"
themes = ["housing"]
case_kind = "instance"
problem = { en = "Rents rise" }
innovation = { en = "A register" }
[title]
en = "Registering rentals"
[place]
name = "Lyon"
country = "France"
"#,
    );
    cli.cmd()
        .arg("publish")
        .arg(&good)
        .arg(&bad)
        .assert()
        .failure()
        .stderr(predicate::str::contains("bad.toml"))
        .stderr(predicate::str::contains(
            "place.country: expected an ISO 3166-1 alpha-2 code, got \"France\"",
        ))
        .stderr(predicate::str::contains("nothing was published"));
    assert_eq!(
        cli.count(),
        0,
        "all or nothing: the valid file was not stored either"
    );
}

#[test]
fn a_float_and_an_unknown_field_are_refused_with_their_paths() {
    let cli = Cli::new();
    let float = cli.write(
        "float.toml",
        &VALID.replace("[title]", "population = 1.5\n[title]"),
    );
    let unknown = cli.write("unknown.json", r#"{"kind":"actor","lang":"en","licence":"CC0-1.0","themes":["mobility"],"title":{"en":"X"},"actor_category":"startup","sector":"for_profit","colour":"red"}"#);
    cli.cmd()
        .arg("publish")
        .arg(&float)
        .assert()
        .failure()
        .stderr(predicate::str::contains("population"));
    cli.cmd()
        .arg("publish")
        .arg(&unknown)
        .assert()
        .failure()
        .stderr(predicate::str::contains("colour"));
    assert_eq!(cli.count(), 0);
}

#[test]
fn publish_reads_markdown_and_stdin_and_speaks_french() {
    let cli = Cli::new();
    let md = cli.write(
        "note.md",
        "+++\nkind = \"skill\"\nlang = \"fr\"\nthemes = [\"data_digital\"]\nskill_kind = \"role\"\ndescription = { fr = \"Gère les données\" }\nexamples = [{ fr = \"Lyon\" }]\n[title]\nfr = \"Administrateur des données urbaines\"\n+++\nLe corps du texte, avec des *délibérations*.\n",
    );
    cli.cmd()
        .args(["--lang", "fr", "publish"])
        .arg(&md)
        .assert()
        .success()
        .stdout(predicate::str::contains("1 entrée publiée."));
    cli.cmd()
        .args(["publish", "-", "--json"])
        .write_stdin(VALID)
        .assert()
        .success()
        .stdout(predicate::str::contains("\"status\":\"published\""));
    let hits = cli.json(&["search", "deliberations"]);
    assert_eq!(
        hits.as_array().unwrap().len(),
        1,
        "the Markdown text became the body"
    );
    assert_eq!(cli.count(), 2);
}

#[test]
fn show_finds_an_entry_by_prefix_and_says_it_is_verified() {
    let cli = Cli::new();
    let published = publish_examples(&cli);
    let id = published[0]["id"].as_str().unwrap();
    let shown = cli.json(&["show", &id[..8]]);
    assert_eq!(shown["id"], id);
    assert_eq!(shown["verified"], true);
    assert_eq!(shown["signer"], shown["city"]);
    assert_eq!(shown["entry"]["id"], id);
    cli.cmd()
        .args(["show", &id[..7]])
        .assert()
        .failure()
        .stderr(predicate::str::contains("8"));
    cli.cmd().args(["show", "00000000"]).assert().failure();
    cli.cmd()
        .args(["show", &id[..12]])
        .assert()
        .success()
        .stdout(predicate::str::contains("verified"));
}

#[test]
fn export_and_import_carry_entries_and_report_each_line() {
    let lyon = Cli::new();
    publish_examples(&lyon);
    let bundle = lyon.dir.path().join("lyon.bundle");
    let exported = lyon.json(&["export", bundle.to_str().unwrap()]);
    // The examples, and the city's profile that `init` published.
    assert_eq!(exported["entries"], examples().len() + 1);

    let naples = Cli::new();
    naples.trust(&lyon);
    let report = naples.json(&["import", bundle.to_str().unwrap()]);
    assert_eq!(report["accepted"], examples().len() + 1);
    assert_eq!(report["rejected"], 0);
    let again = naples.json(&["import", bundle.to_str().unwrap()]);
    assert_eq!(again["duplicates"], examples().len() + 1);
    assert_eq!(again["accepted"], 0);

    // A tampered line is rejected with its reason; the rest is imported.
    let text = std::fs::read_to_string(&bundle).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    // Line 0 is the bundle's header, line 1 the city's profile, line 2 the first entry.
    lines[2] = lines[2].replacen("\"fr\":\"", "\"fr\":\"X", 1);
    let tampered = lyon.write("tampered.bundle", &lines.join("\n"));
    let rome = Cli::new();
    rome.trust(&lyon);
    let out = rome
        .cmd()
        .args(["import", "--json"])
        .arg(&tampered)
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "a rejected line makes the exit status non-zero"
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["rejected"], 1);
    assert_eq!(
        report["accepted"],
        examples().len(),
        "the profile and the other entries"
    );
    assert_eq!(report["items"][0]["status"], "accepted");
    let item = &report["items"][1];
    assert_eq!(item["status"], "rejected");
    assert_eq!(item["line"], 3);
    assert!(item["reason"].as_str().unwrap().contains("body"));
    assert_eq!(rome.count(), examples().len() - 1);

    let verify = naples.json(&["verify"]);
    assert_eq!(
        verify["entries"],
        examples().len() + 2,
        "the entries and both profiles"
    );
    assert_eq!(verify["bad"].as_array().unwrap().len(), 0);
    assert_eq!(verify["integrity"], "ok");
}

#[test]
fn commands_on_a_missing_home_say_how_to_create_one() {
    let cli = Cli::uninitialised();
    cli.cmd()
        .arg("list")
        .assert()
        .failure()
        .stderr(predicate::str::contains("audacities init"));
}

#[test]
fn schema_and_completions_are_printed() {
    let cli = Cli::uninitialised();
    let out = cli.cmd().args(["schema", "case_study"]).output().unwrap();
    assert!(out.status.success());
    let schema: Value = serde_json::from_slice(&out.stdout).unwrap();
    let properties = schema["properties"].as_object().unwrap();
    for field in [
        "kind",
        "lang",
        "title",
        "themes",
        "place",
        "case_kind",
        "problem",
        "innovation",
    ] {
        assert!(properties.contains_key(field), "{field}");
    }
    assert_eq!(schema["additionalProperties"], false);
    cli.cmd()
        .args(["schema", "manifesto"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("case_study"));
    cli.cmd()
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("audacities"));
}

#[test]
fn the_demo_publishes_and_finds_the_examples() {
    let cli = Cli::uninitialised();
    cli.cmd()
        .arg("demo")
        .assert()
        .success()
        .stdout(predicate::str::contains("Séoul").or(predicate::str::contains("Seoul")))
        .stdout(predicate::str::contains(format!(
            "{} entries published.",
            examples().len()
        )));
}

#[test]
fn an_oversized_draft_and_invalid_utf8_are_refused_naming_the_file() {
    let cli = Cli::new();
    let long = "a".repeat(95_000);
    let big = cli.write(
        "big.toml",
        &format!("{VALID}\n[body]\nen = \"{long}\"\nfr = \"{long}\"\nes = \"{long}\"\n"),
    );
    cli.cmd()
        .arg("publish")
        .arg(&big)
        .assert()
        .failure()
        .stderr(predicate::str::contains("big.toml"))
        .stderr(predicate::str::contains("262144"));
    let binary = cli.dir.path().join("latin1.toml");
    std::fs::write(&binary, b"kind = \"actor\"\ntitle = { en = \"Caf\xe9\" }\n").unwrap();
    cli.cmd()
        .arg("publish")
        .arg(&binary)
        .assert()
        .failure()
        .stderr(predicate::str::contains("latin1.toml"))
        .stderr(predicate::str::contains("UTF-8"));
    assert_eq!(cli.count(), 0);
}

#[test]
fn errors_speak_french_when_asked() {
    let cli = Cli::uninitialised();
    cli.cmd()
        .args(["--lang", "fr", "list"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("erreur"))
        .stderr(predicate::str::contains("créez-en un"));
}

#[test]
fn import_reasons_are_given_in_french_when_asked() {
    let lyon = Cli::new();
    let draft = lyon.write("waze.toml", VALID);
    lyon.cmd().arg("publish").arg(&draft).assert().success();
    let bundle = lyon.dir.path().join("b.bundle");
    lyon.cmd().arg("export").arg(&bundle).assert().success();
    let text =
        std::fs::read_to_string(&bundle)
            .unwrap()
            .replacen("\"en\":\"Waze\"", "\"en\":\"Wazf\"", 1);
    let tampered = lyon.write("tampered.bundle", &text);
    let rome = Cli::new();
    rome.trust(&lyon);
    rome.cmd()
        .args(["--lang", "fr", "import"])
        .arg(&tampered)
        .assert()
        .failure()
        .stdout(predicate::str::contains("refusée"))
        .stdout(predicate::str::contains("hachage"))
        .stderr(predicate::str::contains("1 entrée a été refusée"));
}

#[test]
fn id_prints_the_city_key_signing_key_and_peer_id() {
    let cli = Cli::new();
    let id = cli.json(&["id"]);
    let object = id.as_object().unwrap();
    assert_eq!(
        object.keys().collect::<Vec<_>>(),
        ["city_key", "peer_id", "signing_key", "staff"],
        "{id}"
    );
    assert_eq!(
        id["signing_key"], id["city_key"],
        "a city home signs with its city key"
    );
    assert_eq!(id["staff"], false);
    let city_key = id["city_key"].as_str().unwrap();
    let peer_id = id["peer_id"].as_str().unwrap();
    assert_eq!(city_key.len(), 64);
    assert!(
        city_key
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    );
    assert!(
        peer_id.starts_with("12D3Koo"),
        "an ed25519 peer id: {peer_id}"
    );
    assert_eq!(cli.json(&["id"]), id, "stable across runs");

    // The node key is private and never printed.
    let node_key = std::fs::read(cli.home().join("keys/node.key")).unwrap();
    assert_eq!(node_key.len(), 32);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(cli.home().join("keys/node.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let secret_hex: String = node_key.iter().map(|b| format!("{b:02x}")).collect();
    for lang in ["en", "fr"] {
        let out = cli.cmd().args(["--lang", lang, "id"]).output().unwrap();
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains(city_key) && text.contains(peer_id), "{text}");
        assert!(text.contains("Syncthing"), "{text}");
        assert!(!text.contains(&secret_hex));
    }
}

#[test]
fn trust_add_list_remove_round_trip() {
    let lyon = Cli::new();
    let naples = Cli::new();
    let key = naples.city_key();

    let list = lyon.json(&["trust", "list"]);
    assert_eq!(list["mode"], "members");
    assert_eq!(list["city"], lyon.city_key());
    assert_eq!(list["members"], serde_json::json!([]));

    lyon.cmd()
        .args(["trust", "add", &key, "--label", "Napoli"])
        .assert()
        .success()
        .stdout(predicate::str::contains(&key).and(predicate::str::contains("trusted")));
    lyon.cmd()
        .args(["trust", "add", &key])
        .assert()
        .success()
        .stdout(predicate::str::contains("already"));
    let list = lyon.json(&["trust", "list"]);
    let members = list["members"].as_array().unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0]["city"], key);
    assert_eq!(members[0]["label"], "Napoli");
    assert!(members[0]["added_ms"].as_u64().unwrap() > 0);
    lyon.cmd()
        .args(["trust", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains(&key))
        .stdout(predicate::str::contains("Napoli"))
        .stdout(predicate::str::contains("members"));

    lyon.cmd()
        .args(["--lang", "fr", "trust", "remove", &key])
        .assert()
        .success()
        .stdout(predicate::str::contains("n'est plus de confiance"));
    assert_eq!(
        lyon.json(&["trust", "list"])["members"],
        serde_json::json!([])
    );
    lyon.cmd()
        .args(["trust", "remove", &key])
        .assert()
        .failure()
        .stderr(predicate::str::contains("not on the trust list"));

    // The own city is always trusted and never listed.
    lyon.cmd()
        .args(["trust", "add", &lyon.city_key()])
        .assert()
        .success()
        .stdout(predicate::str::contains("own city"));
    assert_eq!(
        lyon.json(&["trust", "list"])["members"],
        serde_json::json!([])
    );
}

#[test]
fn a_bad_key_is_refused_naming_the_argument_in_both_languages() {
    let cli = Cli::new();
    let not_a_point = format!("01{}", "0".repeat(62)); // the identity point: small order
    for (bad, why) in [
        ("napoli", "64 lowercase hexadecimal"),
        (&"AB".repeat(32)[..], "64 lowercase hexadecimal"),
        (&not_a_point[..], "small order"),
    ] {
        cli.cmd()
            .args(["trust", "add", bad])
            .assert()
            .failure()
            .stderr(predicate::str::contains("KEY"))
            .stderr(predicate::str::contains(bad))
            .stderr(predicate::str::contains(why))
            .stderr(predicate::str::contains("audacities id"));
    }
    cli.cmd()
        .args(["--lang", "fr", "trust", "remove", "napoli"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("KEY"))
        .stderr(predicate::str::contains("n'est pas une clé de ville"));
    assert_eq!(
        cli.json(&["trust", "list"])["members"],
        serde_json::json!([])
    );
}

#[test]
fn an_untrusted_city_is_refused_on_import_with_the_trust_hint_then_imports_once_trusted() {
    let lyon = Cli::new();
    let draft = lyon.write("waze.toml", VALID);
    lyon.cmd().arg("publish").arg(&draft).assert().success();
    let bundle = lyon.dir.path().join("b.bundle");
    lyon.cmd().arg("export").arg(&bundle).assert().success();
    let key = lyon.city_key();

    let naples = Cli::new();
    naples
        .cmd()
        .arg("import")
        .arg(&bundle)
        .assert()
        .failure()
        .stdout(predicate::str::contains(format!(
            "b.bundle:2: not imported: the city {key}"
        )))
        .stdout(predicate::str::contains("untrusted: 2"))
        .stderr(predicate::str::contains("not trusted"))
        .stderr(predicate::str::contains(format!(
            "audacities trust add {key}"
        )));
    naples
        .cmd()
        .args(["--lang", "fr", "import"])
        .arg(&bundle)
        .assert()
        .failure()
        .stdout(predicate::str::contains("n'est pas de confiance"))
        .stderr(predicate::str::contains(format!(
            "audacities trust add {key}"
        )));
    let out = naples
        .cmd()
        .args(["import", "--json"])
        .arg(&bundle)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    // The city's profile and its entry.
    assert_eq!(report["untrusted"], 2);
    assert_eq!(report["accepted"], 0);
    assert_eq!(report["items"][0]["status"], "untrusted");
    assert_eq!(report["items"][0]["city"], key);
    assert_eq!(report["items"][0]["id"].as_str().unwrap().len(), 64);
    assert_eq!(naples.count(), 0);

    naples.cmd().args(["trust", "add", &key]).assert().success();
    let report = naples.json(&["import", bundle.to_str().unwrap()]);
    assert_eq!(report["accepted"], 2);
    assert_eq!(report["untrusted"], 0);
    assert_eq!(naples.count(), 1);
}

#[test]
fn an_open_node_imports_any_city() {
    let lyon = Cli::new();
    publish_examples(&lyon);
    let bundle = lyon.dir.path().join("all.bundle");
    lyon.cmd().arg("export").arg(&bundle).assert().success();

    let hub = Cli::new();
    let config = hub.home().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace("trust = \"members\"", "trust = \"open\""),
    )
    .unwrap();
    assert_eq!(hub.json(&["trust", "list"])["mode"], "open");
    let report = hub.json(&["import", bundle.to_str().unwrap()]);
    assert_eq!(
        report["accepted"],
        examples().len() + 1,
        "with the city's profile"
    );
    assert_eq!(report["untrusted"], 0);
}

#[test]
fn trust_remove_keeps_a_citys_entries_unless_confirmed_then_purges_them() {
    let lyon = Cli::new();
    publish_examples(&lyon);
    let bundle = lyon.dir.path().join("lyon.bundle");
    lyon.cmd().arg("export").arg(&bundle).assert().success();
    let key = lyon.city_key();

    let naples = Cli::new();
    naples.trust(&lyon);
    naples.cmd().arg("import").arg(&bundle).assert().success();
    assert_eq!(naples.count(), examples().len());

    // No terminal to ask: nothing is deleted, and the way to delete is given.
    naples
        .cmd()
        .args(["trust", "remove", &key])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "trust remove {key} --yes"
        )));
    assert_eq!(naples.count(), examples().len());

    naples.trust(&lyon);
    naples
        .cmd()
        .args(["--lang", "fr", "trust", "remove", &key, "--yes"])
        .assert()
        .success()
        .stdout(predicate::str::contains("effacés"));
    assert_eq!(naples.count(), 0, "the city's entries are gone");
    let verify = naples.json(&["verify"]);
    assert_eq!(verify["entries"], 1, "only Naples's own profile is left");
    for (lang, summary) in [
        ("en", "1 entry checked, 0 invalid."),
        ("fr", "1 entrée contrôlée, 0 invalide."),
    ] {
        naples
            .cmd()
            .args(["--lang", lang, "verify"])
            .assert()
            .success()
            .stdout(predicate::str::contains(summary));
    }
}

#[test]
fn a_staff_home_publishes_for_its_city_only_once_delegated_and_within_scope() {
    let city = Cli::new();
    let staff = Cli::uninitialised();
    let city_key = city.city_key();
    let init = staff.json(&["init", "--staff-of", &city_key]);
    let staff_key = init["signing_key"].as_str().unwrap().to_owned();
    assert_ne!(staff_key, city_key);
    let id = staff.json(&["id"]);
    assert_eq!(id["city_key"], city_key.as_str());
    assert_eq!(id["signing_key"], staff_key.as_str());
    assert_eq!(id["staff"], true);

    let draft = staff.write("practice.toml", VALID);
    // No delegation yet: refused before anything is signed, with the way forward.
    staff
        .cmd()
        .arg("publish")
        .arg(&draft)
        .assert()
        .failure()
        .stderr(predicate::str::contains("no delegation"))
        .stderr(predicate::str::contains("audacities key delegate"));

    city.cmd()
        .args([
            "key",
            "delegate",
            &staff_key,
            "--kinds",
            "case_study",
            "--until",
            "2099-12-31",
            "--label",
            "Service innovation",
        ])
        .assert()
        .success();
    let keys = city.json(&["key", "list"]);
    assert_eq!(keys["delegations"][0]["state"], "active");
    assert_eq!(keys["delegations"][0]["label"], "Service innovation");
    let bundle = city.dir.path().join("city.bundle");
    city.cmd().arg("export").arg(&bundle).assert().success();
    staff.cmd().arg("import").arg(&bundle).assert().success();

    // VALID is an actor: outside the delegation's kinds.
    staff
        .cmd()
        .arg("publish")
        .arg(&draft)
        .assert()
        .failure()
        .stderr(predicate::str::contains("does not cover"));
    city.cmd()
        .args(["key", "revoke", &staff_key])
        .assert()
        .success();
    let keys = city.json(&["key", "list"]);
    assert_eq!(keys["delegations"][0]["state"], "revoked");
}

#[test]
fn a_rotated_city_keeps_its_name_and_its_entries_and_partners_take_both_keys() {
    let lyon = Cli::new();
    let city_key = lyon.city_key();
    let before = lyon.write("before.toml", VALID);
    lyon.cmd().arg("publish").arg(&before).assert().success();
    let rotated = lyon.json(&["key", "rotate"]);
    let new_key = rotated["new_key"].as_str().unwrap().to_owned();
    assert_ne!(new_key, city_key);
    let id = lyon.json(&["id"]);
    assert_eq!(id["city_key"], city_key.as_str(), "the city keeps its name");
    assert_eq!(id["signing_key"], new_key.as_str());
    let after = lyon.write("after.toml", &VALID.replace("mobility", "housing"));
    let published = lyon.json(&["publish", after.to_str().unwrap()]);
    let shown = lyon.json(&["show", published["id"].as_str().unwrap()]);
    assert_eq!(shown["city"], city_key.as_str());
    assert_eq!(shown["signer"], new_key.as_str());
    let keys = lyon.json(&["key", "list"]);
    assert_eq!(keys["keys"].as_array().unwrap().len(), 2);

    let bundle = lyon.dir.path().join("lyon.bundle");
    lyon.cmd().arg("export").arg(&bundle).assert().success();
    let naples = Cli::new();
    naples.trust(&lyon);
    let report = naples.json(&["import", bundle.to_str().unwrap()]);
    assert_eq!(report["rejected"], 0, "{report}");
    assert_eq!(naples.count(), 2, "the entries of both keys");
}

#[test]
fn a_city_names_itself_fixes_endorses_translates_and_withdraws_from_the_command_line() {
    let lyon = Cli::new();
    let set = lyon.json(&[
        "city",
        "set",
        "--name",
        "Ville de Lyon",
        "--website",
        "https://www.lyon.fr",
    ]);
    assert_eq!(set["profile"]["name"], "Ville de Lyon");
    assert_eq!(
        lyon.json(&["city", "show"])["profile"]["website"],
        "https://www.lyon.fr"
    );

    let first = lyon.write("v1.toml", VALID);
    let v1 = lyon.json(&["publish", first.to_str().unwrap()]);
    let v1 = v1["id"].as_str().unwrap().to_owned();
    let fixed = lyon.write("v2.toml", &VALID.replace("mobility", "housing"));
    let v2 = lyon.json(&["publish", "--revises", &v1[..10], fixed.to_str().unwrap()]);
    let v2 = v2["id"].as_str().unwrap().to_owned();
    let history = lyon.json(&["history", &v1]);
    assert_eq!(history["doc"], v1.as_str());
    assert_eq!(history["current"], v2.as_str());
    assert_eq!(history["conflict"], false);
    assert_eq!(lyon.count(), 1, "list shows the current version only");
    let shown = lyon.json(&["show", &v1]);
    assert_eq!(shown["id"], v2.as_str(), "show gives the current version");
    assert_eq!(shown["city_name"], "Ville de Lyon");

    lyon.cmd()
        .args(["endorse", &v1, "--adopted", "--note", "Adopted here too"])
        .assert()
        .success();
    let translation = lyon.write("it.toml", "title = \"Titolo italiano\"\n");
    lyon.cmd()
        .args(["translate", &v2, "--lang", "it"])
        .arg(&translation)
        .assert()
        .success();
    lyon.cmd()
        .args(["--lang", "en", "show", &v2])
        .assert()
        .success()
        .stdout(predicate::str::contains("Adopted by Ville de Lyon"))
        .stdout(predicate::str::contains("Translation (it)"));
    let endorsed = lyon.json(&["list", "--endorsed-by", "ville de lyon"]);
    assert_eq!(endorsed.as_array().unwrap().len(), 1);

    lyon.cmd()
        .args(["retract", &v2[..12], "--reason", "Published by mistake"])
        .assert()
        .success();
    assert_eq!(lyon.count(), 0);
    let gone = lyon.json(&["show", &v1]);
    assert_eq!(gone["retracted"], true);
    assert_eq!(gone["reason"], "Published by mistake");
    assert!(
        gone["erased_by"].is_array(),
        "the author sees who confirmed"
    );
}
