//! A real browser for tests: headless Chromium driven through WebDriver (chromedriver), on
//! 127.0.0.1 only.
//!
//! ```text
//! let browser = Browser::start().await?;               // or Browser::start_with_lang("fr")
//! browser.goto(&format!("http://{}/", node.node().api_addr())).await?;
//! browser.fill("input[name=q]", "commons").await?;
//! browser.click("button[type=submit]").await?;
//! let title = browser.wait_for_text("h1", "Results").await?;
//! ```
//!
//! Programs: `chromedriver` is `$CHROMEDRIVER`, else the first on `PATH`, else
//! `/usr/bin/chromedriver`; the browser is `$CHROMIUM`, else `/usr/bin/chromium`, else the first
//! `chromium` on `PATH`. On Debian they are the packages `chromium` and `chromium-driver` (which
//! `.ci/run` installs); without them [`Browser::start`] fails at once with
//! [`BrowserError::NotInstalled`], it never hangs.
//!
//! Every call is bounded in time ([`TIMEOUT`] unless [`Browser::set_timeout`] says otherwise;
//! starting the browser by [`START_TIMEOUT`]) and fails with an error naming what it awaited
//! (the CSS selector, the URL) and what it saw last.
//!
//! Each [`Browser`] runs its own chromedriver on a free loopback port with its own throwaway
//! profile, so tests may run in parallel. Dropping it — also when a test panics — ends the
//! WebDriver session (which quits Chromium), kills chromedriver and removes the profile.

use std::fmt;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::error::{CmdError, NewSessionError};
use fantoccini::{ClientBuilder, Locator};
use serde_json::json;

pub use fantoccini::Client;
pub use fantoccini::cookies::Cookie;
pub use fantoccini::elements::Element;

/// How long a [`Browser`] call waits by default.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// How long [`Browser::start`] waits for chromedriver to answer (polling it), then again for
/// Chromium to start and open a session (a loaded 2-core machine can take a few seconds).
pub const START_TIMEOUT: Duration = Duration::from_secs(30);

/// How long chromedriver may take to answer on its port.
const DRIVER_READY: Duration = Duration::from_secs(10);

/// How often waits look again.
const POLL: Duration = Duration::from_millis(50);

/// What one look at the page found, while [`Browser::poll`] waits.
enum Look<T> {
    Found(T),
    /// Not yet, and what was seen instead (for the timeout's error).
    NotYet(String),
    Failed(BrowserError),
}

/// The Debian packages that provide the programs.
const INSTALL_HINT: &str = "install the Debian packages `chromium chromium-driver` \
     (apt-get install -y chromium chromium-driver), or name the programs in $CHROMIUM and \
     $CHROMEDRIVER";

/// What went wrong in the browser harness. Its `Debug` is its message, so that a test returning
/// `Result` prints it readably.
pub enum BrowserError {
    /// A program is missing: `program` was looked for in `looked`.
    NotInstalled {
        program: &'static str,
        looked: String,
    },
    /// chromedriver did not start or answer; `log` is the end of its output.
    Driver { what: String, log: String },
    /// chromedriver answered but could not open a session (Chromium did not start).
    Session {
        source: NewSessionError,
        log: String,
    },
    /// `what` did not happen within `within`; `last` is what was seen last.
    Timeout {
        what: String,
        within: Duration,
        last: String,
    },
    /// A WebDriver command failed while doing `what`.
    Command { what: String, source: CmdError },
}

impl fmt::Display for BrowserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotInstalled { program, looked } => {
                write!(f, "{program} not found (looked: {looked}): {INSTALL_HINT}")
            }
            Self::Driver { what, log } => write!(f, "chromedriver: {what}; its log: {log}"),
            Self::Session { source, log } => write!(
                f,
                "chromedriver could not start Chromium: {source}; chromedriver's log: {log}"
            ),
            Self::Timeout { what, within, last } => {
                write!(f, "{what}: not within {within:?}; last seen: {last}")
            }
            Self::Command { what, source } => write!(f, "{what}: {source}"),
        }
    }
}

impl fmt::Debug for BrowserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for BrowserError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Session { source, .. } => Some(source),
            Self::Command { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// The harness's results.
pub type Result<T, E = BrowserError> = std::result::Result<T, E>;

/// A headless Chromium with its own chromedriver and profile, ended when dropped.
pub struct Browser {
    client: Client,
    timeout: Duration,
    // Dropped after the client: ends the session, kills chromedriver, removes the profile.
    driver: Driver,
}

impl Browser {
    /// A browser whose language (and so its `Accept-Language`) is English.
    pub async fn start() -> Result<Browser> {
        Self::start_with_lang("en").await
    }

    /// A browser whose language is `lang` (`"fr"`, `"en-GB"`…): `--lang=<lang>` and the
    /// `intl.accept_languages` preference, so pages negotiated by `Accept-Language` come in it.
    pub async fn start_with_lang(lang: &str) -> Result<Browser> {
        let chromedriver = find_chromedriver()?;
        let chromium = find_chromium()?;
        let profile = tempfile::Builder::new()
            .prefix("audacities-browser-")
            .tempdir()
            .map_err(|e| BrowserError::Driver {
                what: format!("cannot make a temp profile folder: {e}"),
                log: String::new(),
            })?;
        let mut driver = Driver::spawn(&chromedriver, profile).await?;

        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        let ms = TIMEOUT.as_millis() as u64;
        capabilities.insert(
            "timeouts".into(),
            json!({ "pageLoad": ms, "script": ms, "implicit": 0 }),
        );
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-dev-shm-usage",
                    format!("--lang={lang}"),
                    format!("--user-data-dir={}", driver.profile.path().join("chromium").display()),
                ],
                "prefs": { "intl.accept_languages": lang },
            }),
        );
        let mut builder = ClientBuilder::rustls().map_err(|e| BrowserError::Driver {
            what: format!("cannot make the WebDriver HTTP client: {e}"),
            log: String::new(),
        })?;
        builder.capabilities(capabilities);
        let url = format!("http://127.0.0.1:{}", driver.port);
        let client = match tokio::time::timeout(START_TIMEOUT, builder.connect(&url)).await {
            Ok(Ok(client)) => client,
            Ok(Err(source)) => {
                return Err(BrowserError::Session {
                    source,
                    log: driver.log_tail(),
                });
            }
            Err(_) => {
                return Err(BrowserError::Timeout {
                    what: format!(
                        "Chromium ({}) starting through chromedriver at {url}",
                        chromium.display()
                    ),
                    within: START_TIMEOUT,
                    last: driver.log_tail(),
                });
            }
        };
        // Known so that Drop can end the session even without a runtime.
        driver.session = client.session_id().await.ok().flatten();
        Ok(Browser {
            client,
            timeout: TIMEOUT,
            driver,
        })
    }

    /// The WebDriver client, for anything this harness does not wrap (scripts, windows,
    /// screenshots…). Calls through it are not bounded by the harness.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// How long each call waits (default [`TIMEOUT`]). Navigations are also bounded by the
    /// session's page-load timeout, [`TIMEOUT`].
    pub fn set_timeout(&mut self, within: Duration) {
        self.timeout = within;
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The throwaway folder of this browser's profile and chromedriver's log (removed on drop);
    /// Chromium runs with `--user-data-dir=<it>/chromium`.
    pub fn profile_dir(&self) -> &Path {
        self.driver.profile.path()
    }

    /// The port chromedriver listens on (127.0.0.1).
    pub fn driver_port(&self) -> u16 {
        self.driver.port
    }

    /// Opens `url` and waits for it to load.
    pub async fn goto(&self, url: &str) -> Result<()> {
        let what = format!("opening {url}");
        self.bounded(&what, self.client.goto(url)).await
    }

    /// The URL the browser shows now.
    pub async fn current_url(&self) -> Result<String> {
        self.bounded("reading the current URL", self.client.current_url())
            .await
            .map(|u| u.to_string())
    }

    /// The current page's HTML, as the browser has it now (after scripts ran).
    pub async fn source(&self) -> Result<String> {
        self.bounded("reading the page source", self.client.source())
            .await
    }

    /// The page's title.
    pub async fn title(&self) -> Result<String> {
        self.bounded("reading the page title", self.client.title())
            .await
    }

    /// Waits for an element matching `css` to be in the page, and returns the first.
    pub async fn wait_for(&self, css: &str) -> Result<Element> {
        self.poll(
            |url| format!("waiting for `{css}` on {url}"),
            || async {
                match self.client.find(Locator::Css(css)).await {
                    Ok(element) => Look::Found(element),
                    Err(e) if e.is_no_such_element() => Look::NotYet("no such element".into()),
                    Err(source) => Look::Failed(BrowserError::Command {
                        what: format!("finding `{css}`"),
                        source,
                    }),
                }
            },
        )
        .await
    }

    /// Waits until no element matches `css`: the page that had one has been replaced (a form
    /// submitted and its answer loaded).
    pub async fn wait_for_gone(&self, css: &str) -> Result<()> {
        self.poll(
            |url| format!("waiting for `{css}` to leave {url}"),
            || async {
                match self.client.find(Locator::Css(css)).await {
                    Err(e) if e.is_no_such_element() => Look::Found(()),
                    Ok(_) => Look::NotYet("still there".into()),
                    Err(source) => Look::Failed(BrowserError::Command {
                        what: format!("finding `{css}`"),
                        source,
                    }),
                }
            },
        )
        .await
    }

    /// Looks at the page every [`POLL`] until `look` finds what it waits for, fails, or the
    /// timeout passes; `waiting` names the wait for the timeout's error, given the page's URL.
    async fn poll<T, F, Fut>(&self, waiting: impl FnOnce(&str) -> String, mut look: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Look<T>>,
    {
        let deadline = Instant::now() + self.timeout;
        let mut last = "(nothing yet)".to_owned();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, look()).await {
                Ok(Look::Found(found)) => return Ok(found),
                Ok(Look::NotYet(why)) => last = why,
                Ok(Look::Failed(e)) => return Err(e),
                Err(_) => last = format!("{last} (then a lookup did not answer)"),
            }
            if Instant::now() + POLL >= deadline {
                let url = self.url_for_errors().await;
                return Err(BrowserError::Timeout {
                    what: waiting(&url),
                    within: self.timeout,
                    last,
                });
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The visible text of the first element matching `css` (waited for).
    pub async fn text(&self, css: &str) -> Result<String> {
        let element = self.wait_for(css).await?;
        self.bounded(&format!("reading the text of `{css}`"), element.text())
            .await
    }

    /// An attribute of the first element matching `css` (waited for).
    pub async fn attr(&self, css: &str, name: &str) -> Result<Option<String>> {
        let element = self.wait_for(css).await?;
        self.bounded(
            &format!("reading attribute {name} of `{css}`"),
            element.attr(name),
        )
        .await
    }

    /// Waits until the text of the first element matching `css` contains `needle`; returns the
    /// whole text.
    pub async fn wait_for_text(&self, css: &str, needle: &str) -> Result<String> {
        self.poll(
            |url| format!("waiting for `{css}` on {url} to contain {needle:?}"),
            || async {
                let text = async {
                    let element = self.client.find(Locator::Css(css)).await?;
                    element.text().await
                };
                match text.await {
                    Ok(text) if text.contains(needle) => Look::Found(text),
                    Ok(text) => Look::NotYet(format!("text {:?}", shorten(&text))),
                    Err(e) if e.is_no_such_element() || e.is_stale_element_reference() => {
                        Look::NotYet("no such element".into())
                    }
                    Err(source) => Look::Failed(BrowserError::Command {
                        what: format!("reading the text of `{css}`"),
                        source,
                    }),
                }
            },
        )
        .await
    }

    /// Replaces the value of the field matching `css` (waited for) by typing `value`.
    pub async fn fill(&self, css: &str, value: &str) -> Result<()> {
        let element = self.wait_for(css).await?;
        self.bounded(&format!("filling `{css}`"), async {
            element.clear().await?;
            element.send_keys(value).await
        })
        .await
    }

    /// Clicks the element matching `css` (waited for).
    pub async fn click(&self, css: &str) -> Result<()> {
        let element = self.wait_for(css).await?;
        self.bounded(&format!("clicking `{css}`"), element.click())
            .await
    }

    /// Chooses the `<option>` whose `value` is `value` in the `<select>` matching `css`.
    pub async fn select(&self, css: &str, value: &str) -> Result<()> {
        let element = self.wait_for(css).await?;
        self.bounded(
            &format!("selecting {value:?} in `{css}`"),
            element.select_by_value(value),
        )
        .await
    }

    /// Sets a cookie `name=value` for the current page's site (so open a page of it first),
    /// path `/`.
    pub async fn set_cookie(&self, name: &str, value: &str) -> Result<()> {
        let mut cookie = Cookie::new(name.to_owned(), value.to_owned());
        cookie.set_path("/");
        self.bounded(
            &format!("setting cookie {name}"),
            self.client.add_cookie(cookie),
        )
        .await
    }

    /// The cookies the browser holds for the current page.
    pub async fn cookies(&self) -> Result<Vec<Cookie<'static>>> {
        self.bounded("reading cookies", self.client.get_all_cookies())
            .await
    }

    /// The value of cookie `name` for the current page, if set.
    pub async fn cookie(&self, name: &str) -> Result<Option<String>> {
        Ok(self
            .cookies()
            .await?
            .into_iter()
            .find(|c| c.name() == name)
            .map(|c| c.value().to_owned()))
    }

    /// Ends the session through WebDriver (Chromium quits), then chromedriver, and says if the
    /// session did not end well. Dropping the browser ends them too, without telling.
    pub async fn close(mut self) -> Result<()> {
        let within = self.timeout;
        let result = tokio::time::timeout(within, self.client.clone().close()).await;
        if matches!(result, Ok(Ok(()))) {
            self.driver.session = None;
        }
        drop(self);
        match result {
            Ok(Ok(())) => Ok(()),
            Ok(Err(source)) => Err(BrowserError::Command {
                what: "closing the session".to_owned(),
                source,
            }),
            Err(_) => Err(BrowserError::Timeout {
                what: "closing the session".to_owned(),
                within,
                last: String::new(),
            }),
        }
    }

    /// Runs `command` within the timeout, naming `what` on failure.
    async fn bounded<T>(
        &self,
        what: &str,
        command: impl Future<Output = Result<T, CmdError>>,
    ) -> Result<T> {
        match tokio::time::timeout(self.timeout, command).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(source)) => Err(BrowserError::Command {
                what: what.to_owned(),
                source,
            }),
            Err(_) => Err(BrowserError::Timeout {
                what: what.to_owned(),
                within: self.timeout,
                last: "no answer from chromedriver".to_owned(),
            }),
        }
    }

    /// The current URL for an error message, never failing nor waiting long.
    async fn url_for_errors(&self) -> String {
        match tokio::time::timeout(Duration::from_secs(2), self.client.current_url()).await {
            Ok(Ok(url)) => url.to_string(),
            _ => "(the current page)".to_owned(),
        }
    }
}

/// A running chromedriver: its process, port, session and the folder of its log and profile.
struct Driver {
    child: Child,
    port: u16,
    session: Option<String>,
    log: PathBuf,
    // Dropped last, once the processes that write in it are gone.
    profile: tempfile::TempDir,
}

impl Driver {
    /// Starts chromedriver on a free loopback port and waits (at most [`DRIVER_READY`]) until
    /// it is ready. A port taken between choosing and binding it is retried with another.
    async fn spawn(program: &Path, mut profile: tempfile::TempDir) -> Result<Driver> {
        let log = profile.path().join("chromedriver.log");
        let mut last_error = None;
        for _ in 0..3 {
            let port = free_port().map_err(|e| BrowserError::Driver {
                what: format!("cannot find a free port on 127.0.0.1: {e}"),
                log: String::new(),
            })?;
            let out = std::fs::File::create(&log).map_err(|e| BrowserError::Driver {
                what: format!("cannot create {}: {e}", log.display()),
                log: String::new(),
            })?;
            let err = out.try_clone().map_err(|e| BrowserError::Driver {
                what: format!("cannot share {}: {e}", log.display()),
                log: String::new(),
            })?;
            let child = Command::new(program)
                // No --allowed-ips: without it chromedriver listens on localhost only and
                // takes local clients only.
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(out)
                .stderr(err)
                .spawn()
                .map_err(|e| BrowserError::Driver {
                    what: format!("cannot run {}: {e}; {INSTALL_HINT}", program.display()),
                    log: String::new(),
                })?;
            // From here on the process is killed on every return path.
            let mut driver = Driver {
                child,
                port,
                session: None,
                log: log.clone(),
                profile,
            };
            match driver.wait_ready().await {
                Ok(()) => return Ok(driver),
                Err(e) => {
                    let taken = driver.log_tail().contains("ddress already in use");
                    last_error = Some(e);
                    if !taken {
                        break;
                    }
                    // Keep the profile folder for the next try.
                    driver.kill();
                    profile = std::mem::replace(
                        &mut driver.profile,
                        tempfile::TempDir::new().map_err(|e| BrowserError::Driver {
                            what: format!("cannot make a temp folder: {e}"),
                            log: String::new(),
                        })?,
                    );
                }
            }
        }
        Err(last_error.expect("at least one try"))
    }

    /// Polls `GET /status` until chromedriver says it is ready, at most [`DRIVER_READY`].
    async fn wait_ready(&mut self) -> Result<()> {
        let deadline = Instant::now() + DRIVER_READY;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(BrowserError::Driver {
                    what: format!("it exited ({status}) before answering"),
                    log: self.log_tail(),
                });
            }
            let port = self.port;
            let probe = tokio::task::spawn_blocking(move || {
                http(port, "GET", "/status", Duration::from_secs(1))
            });
            let last = match probe.await {
                Ok(Ok(answer)) if answer.contains("\"ready\":true") => return Ok(()),
                Ok(Ok(answer)) => shorten(&answer),
                Ok(Err(e)) => e.to_string(),
                Err(e) => e.to_string(),
            };
            if Instant::now() >= deadline {
                return Err(BrowserError::Driver {
                    what: format!(
                        "not ready on 127.0.0.1:{port} within {DRIVER_READY:?} (last: {last})"
                    ),
                    log: self.log_tail(),
                });
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The end of chromedriver's output, for error messages.
    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let text = text.trim();
        if text.is_empty() {
            return "(empty)".to_owned();
        }
        let start = text.len().saturating_sub(2000);
        let start = (start..text.len())
            .find(|i| text.is_char_boundary(*i))
            .unwrap_or(0);
        text[start..].to_owned()
    }

    /// Kills chromedriver and whatever it started that still runs (Chromium outlives a
    /// killed chromedriver: it is only told to quit by the session's end).
    fn kill(&mut self) {
        let left = descendants(self.child.id());
        let _ = self.child.kill();
        let _ = self.child.wait();
        if !left.is_empty() {
            // Not our children: `kill` (procps, or the shell's) does it without unsafe code.
            let _ = Command::new("kill")
                .arg("-KILL")
                .args(left.iter().map(u32::to_string))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
    }
}

/// The processes descended from `root` (children, theirs…), read from `/proc`; empty where
/// there is no `/proc`.
fn descendants(root: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let parents: Vec<(u32, u32)> = entries
        .filter_map(|e| {
            let pid: u32 = e.ok()?.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // `pid (name) state ppid …`; the name may hold spaces and parentheses.
            let ppid = stat
                .rsplit_once(')')?
                .1
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()?;
            Some((pid, ppid))
        })
        .collect();
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(
            parents
                .iter()
                .filter(|(pid, ppid)| *ppid == parent && !found.contains(pid))
                .map(|(pid, _)| *pid)
                .collect::<Vec<_>>(),
        );
        i += 1;
    }
    found.remove(0);
    found
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Ending the session makes chromedriver quit Chromium; plain blocking I/O so that it
        // works while a test unwinds, with or without a runtime.
        if let Some(session) = self.session.take() {
            let _ = http(
                self.port,
                "DELETE",
                &format!("/session/{session}"),
                Duration::from_secs(5),
            );
        }
        self.kill();
    }
}

/// A port free on 127.0.0.1 now: bound by the system, then let go.
fn free_port() -> std::io::Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(listener.local_addr()?.port())
}

/// One blocking HTTP/1.1 request to 127.0.0.1:`port`, the whole answer as text.
fn http(port: u16, method: &str, path: &str, within: Duration) -> std::io::Result<String> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream = TcpStream::connect_timeout(&addr, within)?;
    stream.set_read_timeout(Some(within))?;
    stream.set_write_timeout(Some(within))?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )?;
    // Read the head, then as much body as it announces: chromedriver keeps the connection
    // open whatever `Connection` says, so reading to the end would wait for the timeout.
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&buf[..n]);
        if let Some(end) = answer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&answer[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            if length.is_some_and(|len| answer.len() >= end + 4 + len) {
                break;
            }
        }
    }
    Ok(String::from_utf8_lossy(&answer).into_owned())
}

/// The first 300 characters of `text`.
fn shorten(text: &str) -> String {
    let mut short: String = text.chars().take(300).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}

/// `$CHROMEDRIVER`, else `chromedriver` on `PATH`, else `/usr/bin/chromedriver`.
pub fn find_chromedriver() -> Result<PathBuf> {
    find(
        "chromedriver",
        "CHROMEDRIVER",
        &["chromedriver"],
        &["/usr/bin/chromedriver"],
        true,
    )
}

/// `$CHROMIUM`, else `/usr/bin/chromium`, else `chromium` on `PATH`.
pub fn find_chromium() -> Result<PathBuf> {
    find(
        "chromium",
        "CHROMIUM",
        &["chromium", "chromium-browser"],
        &["/usr/bin/chromium"],
        false,
    )
}

/// The program named by `$var` (which must then exist), else found on `PATH` / at a fixed
/// path, in the order `path_first` says.
fn find(
    program: &'static str,
    var: &str,
    names: &[&str],
    fixed: &[&str],
    path_first: bool,
) -> Result<PathBuf> {
    if let Some(value) = std::env::var_os(var).filter(|v| !v.is_empty()) {
        let path = PathBuf::from(value);
        return if is_executable(&path) {
            Ok(path)
        } else {
            Err(BrowserError::NotInstalled {
                program,
                looked: format!("${var} = {} is not an executable file", path.display()),
            })
        };
    }
    let on_path = || {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
                .find(|p| is_executable(p))
        })
    };
    let at_fixed = || fixed.iter().map(PathBuf::from).find(|p| is_executable(p));
    let found = if path_first {
        on_path().or_else(at_fixed)
    } else {
        at_fixed().or_else(on_path)
    };
    found.ok_or_else(|| BrowserError::NotInstalled {
        program,
        looked: format!("${var}, {} on PATH, {}", names.join(", "), fixed.join(", ")),
    })
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}
