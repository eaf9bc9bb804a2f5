//! `audacities run` as a city runs it: real processes on 127.0.0.1 (mDNS off, each test in its
//! own commons), the local API to watch them, `kill -9` in the middle of a sync.
//!
//! Every process is killed by a guard when it goes out of scope, so a failing test never
//! leaves one running; every wait is bounded and fails showing the last state it saw.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use audacities_node::node::{Running, Status};
use audacities_tests::net::{Net, bulk};
use serde_json::Value;

const POLL: Duration = Duration::from_millis(20);

/// The `audacities` binary with a clean, English environment.
fn audacities() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_audacities"));
    cmd.env_remove("AUDACITIES_LANG")
        .env_remove("AUDACITIES_HOME")
        .env("LANG", "en_US.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES");
    cmd
}

/// A home in a temp dir, in the test's commons, taking any validly signed city.
struct TestHome {
    name: &'static str,
    dir: tempfile::TempDir,
}

impl TestHome {
    fn new(name: &'static str, net: &Net) -> Self {
        let home = Self {
            name,
            dir: tempfile::tempdir().expect("temp dir"),
        };
        home.ok(&["init", "--city", name, "--country", "FR"]);
        let file = home.path().join("config.toml");
        let text = std::fs::read_to_string(&file).expect("read config");
        assert!(text.contains("trust = \"members\"") && text.contains("commons = \"main\""));
        let text = text
            .replace("trust = \"members\"", "trust = \"open\"")
            .replace(
                "commons = \"main\"",
                &format!("commons = {:?}", net.commons),
            );
        std::fs::write(&file, text).expect("write config");
        home
    }

    fn path(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    fn cmd(&self) -> Command {
        let mut cmd = audacities();
        cmd.arg("--home").arg(self.path());
        cmd
    }

    fn output(&self, args: &[&str]) -> Output {
        self.cmd()
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("run audacities")
    }

    /// Runs a command that must succeed; returns its stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.output(args);
        assert!(
            out.status.success(),
            "{}: audacities {args:?}: {}\n{}",
            self.name,
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8 output")
    }

    fn json(&self, args: &[&str]) -> Value {
        let text = self.ok(args);
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {text}"))
    }

    /// `audacities run` on 127.0.0.1 with system-chosen ports, dialling `peers`.
    fn run(&self, peers: &[String]) -> Node {
        let log_path = self.dir.path().join(format!(
            "run-{}.log",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0)
        ));
        let log = File::create(&log_path).expect("log file");
        let mut cmd = self.cmd();
        cmd.args([
            "run",
            "--listen",
            "/ip4/127.0.0.1/tcp/0",
            "--api",
            "127.0.0.1:0",
            "--no-mdns",
        ]);
        for peer in peers {
            cmd.args(["--peer", peer]);
        }
        let child = cmd
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file"))
            .stderr(log)
            .spawn()
            .expect("start audacities run");
        let mut node = Node {
            name: self.name,
            child,
            home: self.path(),
            log: log_path,
            api: String::new(),
            agent: ureq::Agent::config_builder()
                .timeout_global(Some(Duration::from_secs(5)))
                .build()
                .into(),
        };
        node.wait_started();
        node
    }
}

/// A running `audacities run`, killed (SIGKILL) when dropped.
struct Node {
    name: &'static str,
    child: Child,
    home: PathBuf,
    log: PathBuf,
    api: String,
    agent: ureq::Agent,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Node {
    /// The end of its log, for failure messages.
    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }

    fn fail(&self, message: &str) -> ! {
        panic!("{}: {message}\n--- log ---\n{}", self.name, self.log_tail())
    }

    /// Waits until it wrote `node.json` (with its own pid) and its API answers.
    fn wait_started(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                self.fail(&format!("exited at start: {status}"));
            }
            if let Some(running) = Running::read(&self.home)
                && running.pid == self.child.id()
            {
                self.api = running.api;
                if self.try_status().is_ok() {
                    return;
                }
            }
            if Instant::now() >= deadline {
                self.fail("not started within 30 s");
            }
            std::thread::sleep(POLL);
        }
    }

    fn try_status(&self) -> Result<Status, String> {
        self.agent
            .get(format!("http://{}/api/v1/status", self.api))
            .call()
            .map_err(|e| e.to_string())?
            .body_mut()
            .read_json::<Status>()
            .map_err(|e| e.to_string())
    }

    fn status(&self) -> Status {
        self.try_status()
            .unwrap_or_else(|e| self.fail(&format!("GET /api/v1/status: {e}")))
    }

    /// Its p2p address (TCP on 127.0.0.1) with its peer id, once it listens.
    fn addr(&self) -> String {
        let mut last = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            let status = self.status();
            if let Some(listen) = status.listen.iter().find(|a| a.contains("/tcp/")) {
                return format!("{listen}/p2p/{}", status.peer_id);
            }
            last = status.listen;
            std::thread::sleep(POLL);
        }
        self.fail(&format!("no TCP listen address within 10 s: {last:?}"))
    }

    /// Polls `check` on its status until it answers `Ok`, at most `within`.
    fn wait(
        &self,
        what: &str,
        within: Duration,
        mut check: impl FnMut(&Status) -> Result<(), String>,
    ) -> Duration {
        let started = Instant::now();
        let mut tries = 0;
        loop {
            tries += 1;
            let last = match self.try_status() {
                Ok(status) => match check(&status) {
                    Ok(()) => return started.elapsed(),
                    Err(state) => state,
                },
                Err(e) => format!("status: {e}"),
            };
            if started.elapsed() >= within {
                self.fail(&format!(
                    "{what}: not within {within:?} ({tries} tries); last seen: {last}"
                ));
            }
            std::thread::sleep(POLL);
        }
    }

    /// SIGKILL, and wait for the process to be gone.
    fn kill_9(mut self) {
        self.child.kill().expect("SIGKILL");
        let status = self.child.wait().expect("wait");
        assert!(!status.success(), "killed, not exited: {status}");
    }
}

/// Writes `lines` as a bundle file (one entry per line).
fn write_bundle(path: &Path, lines: &[Vec<u8>]) {
    let mut text = Vec::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
    for line in lines {
        text.extend_from_slice(line);
        text.push(b'\n');
    }
    std::fs::write(path, text).expect("write bundle");
}

#[test]
fn a_node_killed_during_a_sync_keeps_a_sound_store_and_converges_after_restart() {
    // Enough for a catch-up of several seconds (fetched and committed in batches of 1,024).
    const N: u64 = 10_000;
    let net = Net::new();
    let a_home = TestHome::new("A", &net);
    let started = Instant::now();
    let bundle = a_home.dir.path().join("commons.bundle");
    write_bundle(&bundle, &bulk(9, N as usize));
    let report = a_home.json(&["import", bundle.to_str().expect("UTF-8 path"), "--json"]);
    assert_eq!(report["accepted"], N, "{}", report["rejected"]);
    eprintln!("kill -9: A imported {N} entries in {:?}", started.elapsed());

    let a = a_home.run(&[]);
    let a_status = a.status();
    assert_eq!(a_status.entries, N);
    let peer = a.addr();

    // Two kills at two points of the catch-up: each time the store is sound and keeps every
    // entry the node had acknowledged (shown in its status) before the kill.
    let b_home = TestHome::new("B", &net);
    let mut kept = 0;
    for (round, at_most) in [(1, N / 2), (2, N * 3 / 4)] {
        let b = b_home.run(std::slice::from_ref(&peer));
        let mut seen = 0;
        let took = b.wait(
            &format!("kill {round}: B holds more than {kept}, at most {at_most}"),
            Duration::from_secs(60),
            |s| {
                seen = s.entries;
                // At most `at_most`: the kill comes well before the sync could end.
                if s.entries > kept && s.entries <= at_most {
                    Ok(())
                } else {
                    Err(format!(
                        "{} entries (a sync too fast to interrupt?)",
                        s.entries
                    ))
                }
            },
        );
        b.kill_9();
        let verify = b_home.json(&["verify", "--json"]);
        assert_eq!(verify["integrity"], "ok", "kill {round}: {verify}");
        assert_eq!(
            verify["bad"],
            Value::Array(Vec::new()),
            "kill {round}: {verify}"
        );
        let stored = verify["entries"].as_u64().expect("entries");
        assert!(
            stored >= seen && stored < N,
            "kill {round}: every entry acknowledged before the kill is there: {stored} stored, \
             {seen} seen"
        );
        eprintln!(
            "kill -9 #{round}: B killed {took:?} after its start holding {stored} of {N} \
             (status showed {seen}); verify ok"
        );
        kept = stored;
    }

    let b = b_home.run(&[peer]);
    // A's set now also holds B's profile (each home published one at `init`): compare with
    // A's fingerprint of the moment.
    let took = b.wait("B converges with A", Duration::from_secs(120), |s| {
        let a_now = a.status().fingerprint;
        if s.entries == N && s.fingerprint == a_now {
            Ok(())
        } else {
            Err(format!(
                "{} of {N} entries, fingerprints {:.8} and {a_now:.8}",
                s.entries, s.fingerprint
            ))
        }
    });
    eprintln!("kill -9: B converged {took:?} after its last restart");
    drop(b);
    let verify = b_home.json(&["verify", "--json"]);
    assert_eq!(
        verify["entries"],
        N + 2,
        "the entries and both cities' profiles"
    );
    assert_eq!(verify["integrity"], "ok");
    drop(a);
}

#[test]
fn the_readme_flow_two_nodes_and_a_publish_found_on_the_other() {
    let net = Net::new();
    let a_home = TestHome::new("A", &net);
    let b_home = TestHome::new("B", &net);
    let a = a_home.run(&[]);
    let b = b_home.run(&[a.addr()]);
    let a_id = a.status().peer_id;
    b.wait("B is connected to A", Duration::from_secs(15), |s| {
        if s.peers.iter().any(|p| p.peer_id == a_id) && s.mesh_peers >= 1 {
            Ok(())
        } else {
            Err(format!("peers {:?}, mesh {}", s.peers, s.mesh_peers))
        }
    });
    a.wait("A's gossip mesh forms", Duration::from_secs(15), |s| {
        (s.mesh_peers >= 1)
            .then_some(())
            .ok_or(format!("mesh {}", s.mesh_peers))
    });

    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/01-case_study-fr.toml");
    let published = a_home.ok(&["publish", example.to_str().expect("UTF-8 path"), "--json"]);
    let line: Value = serde_json::from_str(published.trim()).expect("one JSON line");
    assert_eq!(line["status"], "published");
    let id = line["id"].as_str().expect("id").to_owned();

    let started = Instant::now();
    let within = Duration::from_secs(5);
    let shown = loop {
        let out = b_home.output(&["show", &id, "--json"]);
        if out.status.success() {
            break serde_json::from_slice::<Value>(&out.stdout).expect("JSON");
        }
        if started.elapsed() >= within {
            b.fail(&format!(
                "`show {id}` on B: not found within {within:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    eprintln!(
        "README flow: published on A, shown on B after {:?}",
        started.elapsed()
    );
    assert_eq!(shown["id"], id.as_str());
    assert_eq!(shown["verified"], true);
    drop(b);
    drop(a);
}
