//! Test support: a node home in a temp dir in one line, valid drafts and signed entries to
//! feed it, and the doors (publish, import) as tests use them.
//!
//! ```text
//! let node = TestHome::new().trust_open();           // or .trusting(&city(1).public())
//! let report = node.import(&[entry(1, 0).bytes().to_vec()]);
//! ```
//!
//! A new `TestHome` keeps its config's default trust, `members`: it takes its own city's entries
//! and refuses every other city's as untrusted, as a real node does. Tests of other cities'
//! entries trust them first ([`TestHome::trusting`]) or make the node a hub that takes every
//! city ([`TestHome::trust_open`]).

pub mod browser;
pub mod http;
pub mod net;

use std::io::Cursor;

use audacities_node::Home;
use audacities_node::bundle::Reader;
use audacities_node::config::{self, TrustMode};
use audacities_node::ingest::{self, Report};
use audacities_node::time::now_ms;
use audacities_node::trust::Policy;
use audacities_protocol::{Draft, Entry, Format, PublicKey, SecretKey};

/// A city node's home in a temporary folder, removed when dropped.
pub struct TestHome {
    pub home: Home,
    // Declared last so the home (and its store thread) closes before the folder goes.
    pub dir: tempfile::TempDir,
}

impl TestHome {
    /// A new home with the default trust (`members`, an empty trust list).
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let home = Home::init(&dir.path().join("home"), "Testville", "FR").expect("init home");
        Self { home, dir }
    }

    /// This home with `trust = "open"` in its config (reopened): it takes every city.
    pub fn trust_open(self) -> Self {
        let Self { home, dir } = self;
        let path = home.dir().to_path_buf();
        drop(home);
        let file = path.join(config::FILE_NAME);
        let text = std::fs::read_to_string(&file).expect("read config");
        assert!(
            text.contains("trust = \"members\""),
            "the config names its trust"
        );
        std::fs::write(
            &file,
            text.replace("trust = \"members\"", "trust = \"open\""),
        )
        .expect("write config");
        let home = Home::open(&path).expect("reopen home");
        assert_eq!(home.config().trust, TrustMode::Open);
        Self { home, dir }
    }

    /// This home with `city` on its trust list, as `audacities trust add` puts it.
    pub fn trusting(self, city: &PublicKey) -> Self {
        self.trust(city);
        self
    }

    /// Puts `city` on the trust list; true if it was not on it.
    pub fn trust(&self, city: &PublicKey) -> bool {
        self.home
            .store()
            .trust_add(*city, None, now_ms())
            .expect("trust add")
    }

    /// The home's trust policy as it is now (config and trust list).
    pub fn policy(&self) -> Policy {
        self.home.policy().expect("policy")
    }

    /// Imports bundle text (lines of entries) through the import door: the bundle reader, then
    /// the one ingest function, with the home's policy.
    pub fn import_bundle(&self, bundle: &[u8]) -> Report {
        let items = Reader::new(Cursor::new(bundle.to_vec())).map(|line| line.expect("read").item);
        ingest::ingest(self.home.store(), &self.policy(), items).expect("store works")
    }

    /// Imports entry lines (joined with newlines) through the import door.
    pub fn import(&self, lines: &[Vec<u8>]) -> Report {
        self.import_bundle(&lines.join(&b'\n'))
    }

    /// Publishes a draft as the CLI does: sign with the city key, then the one ingest function.
    pub fn publish(&self, draft: &Draft) -> Report {
        let entry = Entry::sign(draft, self.home.signing_key(), now_ms(), None).expect("sign");
        ingest::ingest(self.home.store(), &self.policy(), [Ok(entry.into_bytes())])
            .expect("store works")
    }

    pub fn count(&self) -> u64 {
        self.home.store().count().expect("count")
    }
}

impl Default for TestHome {
    fn default() -> Self {
        Self::new()
    }
}

/// A valid governance practice, its title and summary carrying `n` so that each is distinct.
pub fn draft(n: usize) -> Draft {
    let text = format!(
        r#"
kind = "governance_practice"
lang = "fr"
licence = "CC-BY-4.0"
themes = ["public_space", "participation"]
object_kind = "shared_space"
instrument = "regulation"

[title]
fr = "Usage civique de bâtiments publics comme communs n°{n}"
en = "Civic use of public buildings as commons no. {n}"

[summary]
fr = "Les délibérations de la ville reconnaissent des usages civiques ({n})."
en = "The city's deliberations recognise civic uses ({n})."

[place]
name = "Naples"
country = "IT"
"#
    );
    Draft::parse(&text, Format::Toml).expect("the test draft is valid")
}

/// A city key made from a one-byte seed, so tests can name several cities.
pub fn city(seed: u8) -> SecretKey {
    SecretKey::from_bytes([seed; 32])
}

/// Draft `n`, signed by city `seed`, created now.
pub fn entry(seed: u8, n: usize) -> Entry {
    Entry::sign(&draft(n), &city(seed), now_ms(), None).expect("sign")
}

/// Signs any body — valid or not — into a wire line, as a hostile or buggy peer could: the
/// header is built from the body's canonical bytes and signed with `key`. Lets tests send
/// well-signed entries whose content is wrong.
pub fn sign_raw(key: &SecretKey, kind: &str, body: &serde_json::Value, created: u64) -> Vec<u8> {
    use audacities_protocol::Id;
    use audacities_protocol::canonical;
    use audacities_protocol::entry::{FORMAT_VERSION, Header};
    let body_bytes =
        canonical::to_bytes(body).unwrap_or_else(|_| serde_json::to_vec(body).expect("json"));
    let head = Header {
        v: FORMAT_VERSION,
        kind: kind.to_owned(),
        signer: key.public(),
        city: key.public(),
        created,
        revises: None,
        body_hash: Id::hash(&body_bytes),
        body_len: body_bytes.len() as u64,
    };
    relabel(key, head, body.clone())
}

/// Re-signs `head` with `key`, recomputes the id, and writes the canonical line with `body`.
pub fn relabel(
    key: &SecretKey,
    head: audacities_protocol::Header,
    body: serde_json::Value,
) -> Vec<u8> {
    use audacities_protocol::Id;
    use audacities_protocol::canonical;
    use audacities_protocol::entry::signed_bytes;
    let signed = signed_bytes(&head).expect("head encodes");
    let line = serde_json::json!({
        "body": body,
        "head": head,
        "id": Id::hash(&signed).to_string(),
        "sig": hex(&key.sign(&signed)),
    });
    canonical::to_bytes(&line).unwrap_or_else(|_| serde_json::to_vec(&line).expect("json"))
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The JSON object of an entry line, to tamper with.
pub fn parse_line(line: &[u8]) -> serde_json::Value {
    serde_json::from_slice(line).expect("an entry line is JSON")
}

/// Canonical bytes of a tampered line.
pub fn encode_line(value: &serde_json::Value) -> Vec<u8> {
    audacities_protocol::canonical::to_bytes(value).expect("canonical")
}
