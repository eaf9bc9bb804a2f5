//! Talking to a running node through its local API.
//!
//! A node writes `node.json` (its API address) and `api-token` into its home; a command given
//! the same `--home` finds it there. Writing commands (`publish`, `import`, `trust`) go through
//! the node when one answers, so that new entries leave on gossip at once and the node's trust
//! policy changes with them; reading commands read the SQLite file directly.

use std::path::Path;
use std::time::Duration;

use audacities_node::api::{Changed, IngestJson, TrustAdd, VerdictJson};
use audacities_node::ingest::{self, Report, Verdict};
use audacities_node::node::{PeerStatus, Running, Status};
use audacities_node::time::now_ms;
use audacities_protocol::entry::EntryError;
use serde::de::DeserializeOwned;

/// The running node of a home.
pub struct Client {
    base: String,
    token: Option<String>,
    agent: ureq::Agent,
}

/// Why a call to the node failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("the node at {base} did not answer: {reason}")]
    Unreachable { base: String, reason: String },
    #[error("the node refused ({code}): {message}")]
    Refused { code: String, message: String },
    #[error("the home has no api-token file; start the node once with `audacities run`")]
    NoToken,
    #[error("the node answered {got} verdicts for {sent} entries")]
    Verdicts { sent: usize, got: usize },
}

/// Lines sent to the node in one request.
const CHUNK_LINES: usize = 2_000;
/// Bytes sent to the node in one request (below the API's body limit).
const CHUNK_BYTES: usize = 32 * 1024 * 1024;

#[derive(serde::Deserialize)]
struct ErrorJson {
    code: String,
    message: String,
}

impl Client {
    /// The home's running node, if `node.json` names one that answers.
    pub fn find(home: &Path) -> Option<Client> {
        let running = Running::read(home)?;
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(600)))
            .timeout_connect(Some(Duration::from_secs(2)))
            .http_status_as_error(false)
            .build()
            .into();
        let client = Client {
            base: format!("http://{}", running.api),
            token: audacities_node::token::read(home),
            agent,
        };
        client.status().ok().map(|_| client)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn unreachable(&self, e: impl std::fmt::Display) -> ClientError {
        ClientError::Unreachable {
            base: self.base.clone(),
            reason: e.to_string(),
        }
    }

    fn token(&self) -> Result<String, ClientError> {
        self.token
            .as_ref()
            .map(|t| format!("Bearer {t}"))
            .ok_or(ClientError::NoToken)
    }

    fn answer<T: DeserializeOwned>(
        &self,
        response: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<T, ClientError> {
        let mut response = response.map_err(|e| self.unreachable(e))?;
        if response.status().is_success() {
            response
                .body_mut()
                .with_config()
                .limit(256 * 1024 * 1024)
                .read_json::<T>()
                .map_err(|e| self.unreachable(e))
        } else {
            let status = response.status();
            match response.body_mut().read_json::<ErrorJson>() {
                Ok(e) => Err(ClientError::Refused {
                    code: e.code,
                    message: e.message,
                }),
                Err(_) => Err(ClientError::Refused {
                    code: status.as_u16().to_string(),
                    message: status.to_string(),
                }),
            }
        }
    }

    pub fn status(&self) -> Result<Status, ClientError> {
        let response = self.agent.get(self.url("/api/v1/status")).call();
        self.answer(response)
    }

    pub fn peers(&self) -> Result<Vec<PeerStatus>, ClientError> {
        let response = self.agent.get(self.url("/api/v1/peers")).call();
        self.answer(response)
    }

    /// Hands signed entries (wire lines) to the node's ingest function.
    pub fn post_entries(&self, lines: &[Vec<u8>]) -> Result<IngestJson, ClientError> {
        let mut body = Vec::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
        for line in lines {
            body.extend_from_slice(line);
            body.push(b'\n');
        }
        let response = self
            .agent
            .post(self.url("/api/v1/entries"))
            .header("Authorization", &self.token()?)
            .content_type("application/x-ndjson")
            .send(&body[..]);
        self.answer(response)
    }

    /// Hands items to the node's ingest function in chunks, and gives the verdicts back in
    /// the form the local ingest function gives them. Items already refused by the reader are
    /// not sent; for an entry the node rejects, the reason is found again here (the same
    /// checks, typed, so the CLI can say it in the user's language).
    pub fn ingest(
        &self,
        items: impl IntoIterator<Item = Result<Vec<u8>, EntryError>>,
    ) -> Result<Report, ClientError> {
        let mut verdicts: Vec<Option<Verdict>> = Vec::new();
        let mut chunk: Vec<(usize, Vec<u8>)> = Vec::new();
        let mut bytes = 0;
        for item in items {
            let position = verdicts.len();
            match item {
                Ok(line) => {
                    verdicts.push(None);
                    bytes += line.len();
                    chunk.push((position, line));
                    if chunk.len() >= CHUNK_LINES || bytes >= CHUNK_BYTES {
                        self.ingest_chunk(std::mem::take(&mut chunk), &mut verdicts)?;
                        bytes = 0;
                    }
                }
                Err(e) => verdicts.push(Some(Verdict::Rejected(e))),
            }
        }
        if !chunk.is_empty() {
            self.ingest_chunk(chunk, &mut verdicts)?;
        }
        Ok(Report {
            verdicts: verdicts.into_iter().flatten().collect(),
        })
    }

    fn ingest_chunk(
        &self,
        chunk: Vec<(usize, Vec<u8>)>,
        verdicts: &mut [Option<Verdict>],
    ) -> Result<(), ClientError> {
        let lines: Vec<Vec<u8>> = chunk.iter().map(|(_, l)| l.clone()).collect();
        let answer = self.post_entries(&lines)?;
        if answer.verdicts.len() != chunk.len() {
            return Err(ClientError::Verdicts {
                sent: chunk.len(),
                got: answer.verdicts.len(),
            });
        }
        for ((position, line), verdict) in chunk.into_iter().zip(answer.verdicts) {
            verdicts[position] = Some(local_verdict(&line, verdict));
        }
        Ok(())
    }

    pub fn trust_add(&self, city: String, label: Option<String>) -> Result<bool, ClientError> {
        let response = self
            .agent
            .post(self.url("/api/v1/trust"))
            .header("Authorization", &self.token()?)
            .send_json(TrustAdd { city, label });
        self.answer::<Changed>(response).map(|c| c.changed)
    }

    pub fn trust_remove(&self, city: &str) -> Result<bool, ClientError> {
        let response = self
            .agent
            .delete(self.url(&format!("/api/v1/trust/{city}")))
            .header("Authorization", &self.token()?)
            .call();
        self.answer::<Changed>(response).map(|c| c.changed)
    }

    /// Deletes every entry of `city` the node stores (after `trust_remove`); how many.
    pub fn purge_city(&self, city: &str) -> Result<u64, ClientError> {
        #[derive(serde::Deserialize)]
        struct Purged {
            purged: u64,
        }
        let response = self
            .agent
            .delete(self.url(&format!("/api/v1/trust/{city}?purge=true")))
            .header("Authorization", &self.token()?)
            .call();
        self.answer::<Purged>(response).map(|p| p.purged)
    }
}

/// The node's verdict on `line`, typed as the local ingest function gives it.
fn local_verdict(line: &[u8], verdict: VerdictJson) -> Verdict {
    let id = verdict.id.as_deref().and_then(|id| id.parse().ok());
    let city = verdict.city.as_deref().and_then(|c| c.parse().ok());
    match (verdict.verdict.as_str(), id, city) {
        ("accepted", Some(id), _) => Verdict::Accepted(id),
        ("duplicate", Some(id), _) => Verdict::Duplicate(id),
        ("untrusted", Some(id), Some(city)) => Verdict::Untrusted { id, city },
        _ => Verdict::Rejected(match ingest::check(line, now_ms()) {
            Err(e) => e,
            // The node refused what passes here (its clock, its store): keep its words.
            Ok(_) => EntryError::Shape {
                path: String::new(),
                message: verdict
                    .reason
                    .unwrap_or_else(|| format!("refused by the node ({})", verdict.verdict)),
            },
        }),
    }
}
