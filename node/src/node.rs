//! A running node: the network, sync sessions, gossip, and the local API, around one home.
//!
//! [`Node::start`] builds everything and returns a [`Node`]; [`Node::stop`] (or a signal,
//! through the CLI's `run`) stops the API and the network, waits for sessions and ingests in
//! flight, and leaves the store closed cleanly. The node writes `node.json` into the home so
//! that CLI commands find it by `--home` alone, and removes it when it stops.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use audacities_protocol::PublicKey;
use libp2p::gossipsub::{MessageAcceptance, MessageId};
use libp2p::{Multiaddr, PeerId};
use serde::{Deserialize, Serialize};
use tokio::sync::{Semaphore, mpsc, watch};
use tokio::task::JoinSet;

use crate::config::{Config, TrustMode};
use crate::home::Home;
use crate::ingest::{self, Report, Verdict};
use crate::net::{self, Event, NetError, Network, Options, Start};
use crate::store::{Store, StoreError, SyncRecord};
use crate::sync::{self, Context, Hello};
use crate::time::now_ms;
use crate::trust::Policy;
use crate::{api, token};

/// Gossip messages waiting for validation; more are dropped without penalty (sync brings them
/// later), so a flooding peer cannot make the node queue work without bound.
const GOSSIP_QUEUE: usize = 1_024;
/// Gossip messages validated (and stored) together, in one ingest call and one transaction.
const GOSSIP_BATCH: usize = 256;
/// Peers' sync requests answered at once; more get `Refused("busy")`.
const SYNC_ANSWERS: usize = 16;

/// The file in the home that says a node runs and where its API is.
pub const RUNNING_FILE: &str = "node.json";

/// What `node.json` holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Running {
    /// The local API's address, e.g. `127.0.0.1:7410`.
    pub api: String,
    pub pid: u32,
    pub peer_id: String,
}

impl Running {
    /// Reads `node.json` from a home, if a node wrote one (it may be stale after a crash: ask
    /// the API before trusting it).
    pub fn read(home: &Path) -> Option<Running> {
        let text = std::fs::read_to_string(home.join(RUNNING_FILE)).ok()?;
        serde_json::from_str(&text).ok()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    #[error(transparent)]
    Net(#[from] NetError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("could not serve the local API on {address}: {source}")]
    Api {
        address: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The status of a node, as `status --json` and `GET /api/v1/status` give it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Status {
    pub peer_id: String,
    pub city: CityInfo,
    pub listen: Vec<String>,
    pub external: Vec<String>,
    /// `public`, `private` or `unknown`.
    pub nat: String,
    /// Peers in the gossip mesh of the commons' topic.
    pub mesh_peers: usize,
    pub api: String,
    pub commons: String,
    pub trust: TrustMode,
    pub entries: u64,
    /// blake3 over the sorted ids: equal on two nodes iff they hold the same set.
    pub fingerprint: String,
    pub peers: Vec<PeerStatus>,
    /// How far the connected peers' clocks are ahead of this machine's (median, in
    /// milliseconds; negative: behind), when they said.
    pub clock_skew_ms: Option<i64>,
    /// Entries refused since the node started, by reason: `untrusted`, `unauthorized`,
    /// `waiting`, `retracted`, `clock`, `invalid`.
    #[serde(default)]
    pub refused: std::collections::BTreeMap<String, u64>,
    /// Things to fix (placeholder city name, API exposed beyond loopback, clock off).
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CityInfo {
    pub key: PublicKey,
    pub name: String,
    /// The name is still the placeholder `init` gave: set it.
    pub placeholder: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PeerStatus {
    pub peer_id: String,
    pub address: String,
    pub relayed: bool,
    pub agent: Option<String>,
    /// Its gossipsub score here (negative once it sent invalid entries).
    pub score: Option<f64>,
    /// The peer's city, once it said hello.
    pub city: Option<PeerCity>,
    /// Milliseconds since the epoch of the last successful sync from this peer.
    pub last_sync_ms: Option<u64>,
    /// Entries received from this peer, over every sync logged.
    pub received_total: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PeerCity {
    pub key: PublicKey,
    pub name: String,
}

/// What the CLI's `run` may override from the configuration.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub listen: Option<Vec<String>>,
    pub api: Option<String>,
    pub peers: Vec<String>,
    pub no_mdns: bool,
}

/// A clock further than this from the peers' (median) gets a warning: a tenth of the skew
/// after which entries are refused as coming from the future.
pub const CLOCK_WARNING_MS: u64 = audacities_protocol::entry::MAX_CLOCK_SKEW_MS / 10;

/// The parts of a running node that the API and the event loop share.
#[derive(Clone)]
pub struct Shared {
    pub ctx: Context,
    pub config: Config,
    pub home: PathBuf,
    pub api: SocketAddr,
    pub token: Arc<str>,
    /// The city key, for drafts published through the API and the web form.
    pub signer: audacities_protocol::SecretKey,
    /// Entries verified again since the node started (see `api::entries::Verified`).
    pub verified: Arc<crate::api::entries::Verified>,
    sessions: Arc<Mutex<HashSet<PeerId>>>,
}

impl Shared {
    pub fn store(&self) -> &Store {
        &self.ctx.store
    }

    pub fn network(&self) -> &Network {
        &self.ctx.network
    }

    /// Ingests wire lines handed in locally (publish, import through the API) and announces the
    /// new ones on gossip.
    pub async fn ingest_local(&self, lines: Vec<Vec<u8>>) -> Result<Report, StoreError> {
        let store = self.ctx.store.clone();
        let policy = self.ctx.policy.clone();
        let input = lines.clone();
        let report = tokio::task::spawn_blocking(move || {
            ingest::ingest(&store, &policy, input.into_iter().map(Ok))
        })
        .await
        .map_err(|_| StoreError::Closed)?
        .map_err(|e| e.source)?;
        self.ctx.count_refusals(&report);
        let mut added = false;
        for (verdict, line) in report.verdicts.iter().zip(lines) {
            if matches!(verdict, Verdict::Accepted(_)) {
                added = true;
                let _ = self.ctx.network.publish(line).await;
            }
        }
        if added {
            self.ctx.changed();
        }
        Ok(report)
    }

    /// Reloads the trust policy after a change.
    pub fn trust_changed(&self) -> Result<(), StoreError> {
        self.ctx.policy.reload(&self.ctx.store)?;
        self.ctx.trust_changed();
        Ok(())
    }

    /// Takes in vouches that arrived since the last look (`trust = "vouched"`): cities newly
    /// vouched for enough are fetched at the next sync.
    pub fn refresh_vouches(&self) -> Result<(), StoreError> {
        if self.ctx.policy.reload(&self.ctx.store)? {
            self.ctx.trust_changed();
        }
        Ok(())
    }

    pub async fn status(&self) -> Result<Status, NodeError> {
        let info = self.ctx.network.info().await?;
        let store = self.ctx.store.clone();
        let city = self.ctx.hello.city;
        let (entries, fingerprint, log, profile) = tokio::task::spawn_blocking(move || {
            let profile = store
                .authority(city)?
                .profile()
                .map(|(_, _, p)| p.name.clone());
            Ok::<_, StoreError>((
                store.count()?,
                store.fingerprint()?,
                store.peer_log()?,
                profile,
            ))
        })
        .await
        .map_err(|_| StoreError::Closed)??;
        let connected: Vec<PeerId> = info
            .peers
            .iter()
            .filter_map(|p| p.peer_id.parse().ok())
            .collect();
        let clock_skew_ms = self.ctx.clock_skew_ms(&connected);
        let peers = info
            .peers
            .into_iter()
            .map(|p| {
                let last = log.iter().find(|r| r.peer_id == p.peer_id);
                let city = p
                    .peer_id
                    .parse::<PeerId>()
                    .ok()
                    .and_then(|id| self.ctx.hello_of(&id))
                    .map(|h| PeerCity {
                        key: h.city,
                        name: h.name,
                    });
                PeerStatus {
                    last_sync_ms: last.map(|r| r.at_ms),
                    received_total: last.map(|r| r.received),
                    peer_id: p.peer_id,
                    address: p.address,
                    relayed: p.relayed,
                    agent: p.agent,
                    score: p.score,
                    city,
                }
            })
            .collect();
        let mut warnings = Vec::new();
        if profile.is_none() && self.config.has_placeholder_city() {
            warnings.push(
                "the city has no name yet: set [city] name in config.toml / la ville n'a pas encore de nom : renseignez [city] name dans config.toml".to_owned(),
            );
        }
        if !self.api.ip().is_loopback() {
            warnings.push(format!(
                "the local API listens on {} beyond this machine / l'API locale écoute sur {} au-delà de cette machine",
                self.api, self.api
            ));
        }
        if let Some(skew) = clock_skew_ms
            && skew.unsigned_abs() > CLOCK_WARNING_MS
        {
            let secs = skew / 1000;
            warnings.push(format!(
                "this machine's clock is {secs:+} s off its peers' (median): entries it signs may be refused / l'horloge de cette machine est décalée de {secs:+} s par rapport à ses pairs (médiane) : ses fiches risquent d'être refusées"
            ));
        }
        Ok(Status {
            peer_id: info.peer_id,
            city: CityInfo {
                key: self.ctx.hello.city,
                // The city's signed profile names it; else its config does.
                placeholder: profile.is_none() && self.config.has_placeholder_city(),
                name: profile.unwrap_or_else(|| self.config.city.name.clone()),
            },
            listen: info.listen,
            external: info.external,
            nat: info.nat,
            mesh_peers: info.mesh_peers,
            api: self.api.to_string(),
            commons: self.config.network.commons.clone(),
            trust: self.ctx.policy.mode(),
            entries,
            fingerprint,
            peers,
            clock_skew_ms,
            refused: self.ctx.refusals(),
            warnings,
        })
    }

    /// Starts a session with `peer` unless one is already running.
    fn start_session(&self, peer: PeerId, tasks: &mut JoinSet<()>) {
        let Ok(mut sessions) = self.sessions.lock() else {
            return;
        };
        if !sessions.insert(peer) {
            return;
        }
        drop(sessions);
        let shared = self.clone();
        tasks.spawn(async move {
            let result = sync::run(&shared.ctx, peer).await;
            if let Ok(mut sessions) = shared.sessions.lock() {
                sessions.remove(&peer);
            }
            match result {
                Ok(outcome) => {
                    tracing::info!(
                        %peer,
                        received = outcome.received,
                        rejected = outcome.rejected,
                        untrusted = outcome.untrusted,
                        peer_lacks = outcome.peer_lacks,
                        rounds = outcome.rounds,
                        bytes_in = outcome.bytes_in,
                        bytes_out = outcome.bytes_out,
                        duration_ms = outcome.duration.as_millis() as u64,
                        "sync done"
                    );
                    let record = SyncRecord {
                        peer_id: peer.to_string(),
                        address: None,
                        city: shared.ctx.hello_of(&peer).map(|h| h.city),
                        at_ms: now_ms(),
                        received: outcome.received,
                        sent: 0,
                    };
                    let store = shared.ctx.store.clone();
                    let _ = tokio::task::spawn_blocking(move || store.record_sync(record)).await;
                }
                Err(e) => tracing::warn!(%peer, "sync failed: {e}"),
            }
        });
    }
}

/// A running node.
pub struct Node {
    shared: Shared,
    stop: watch::Sender<bool>,
    main: tokio::task::JoinHandle<()>,
    api_task: tokio::task::JoinHandle<()>,
    net_task: tokio::task::JoinHandle<()>,
}

impl Node {
    /// Starts the network, the sync loop and the local API for this home.
    pub async fn start(home: &Home, overrides: Overrides) -> Result<Node, NodeError> {
        let mut config = home.config().clone();
        if let Some(listen) = overrides.listen {
            config.network.listen = listen;
        }
        if let Some(api) = overrides.api {
            config.network.api = api;
        }
        config.network.peers.extend(overrides.peers);
        if overrides.no_mdns {
            config.network.mdns = false;
        }
        let network_config = &config.network;
        let listen = network_config
            .listen
            .iter()
            .map(|a| net::parse_address(a))
            .collect::<Result<Vec<Multiaddr>, _>>()?;
        let bootstrap = network_config
            .peers
            .iter()
            .map(|a| net::parse_address(a))
            .collect::<Result<Vec<Multiaddr>, _>>()?;
        let agent = format!("audacities/{}", env!("CARGO_PKG_VERSION"));
        let options = Options {
            names: net::Names::new(&network_config.commons)?,
            mdns: network_config.mdns,
            relay_server: network_config.relay_server,
            max_connections: network_config.max_connections,
            agent: agent.clone(),
        };

        let store = home.store().clone();
        let policy = Policy::load_vouched(config.trust, config.vouches, home.city(), &store)?;
        let token = token::ensure(home.dir())?;

        let listener = tokio::net::TcpListener::bind(&network_config.api)
            .await
            .map_err(|source| NodeError::Api {
                address: network_config.api.clone(),
                source,
            })?;
        let api_addr = listener.local_addr().map_err(|source| NodeError::Api {
            address: network_config.api.clone(),
            source,
        })?;
        if !api_addr.ip().is_loopback() {
            tracing::warn!(
                "the local API listens on {api_addr}, reachable beyond this machine: writes need the token, but keep it on 127.0.0.1 unless you mean it"
            );
        }

        let (network, events, net_task) = Network::start(
            home.peer_keypair(),
            Start {
                options,
                listen,
                bootstrap,
            },
        )
        .await?;
        let hello = Hello {
            city: home.city(),
            name: config.city.name.clone(),
            agent,
            time_ms: None,
        };
        let ctx = Context::new(store, policy, network, hello);
        let shared = Shared {
            ctx,
            config: config.clone(),
            home: home.dir().to_path_buf(),
            api: api_addr,
            token: token.into(),
            signer: home.signing_key().clone(),
            verified: Arc::default(),
            sessions: Arc::default(),
        };
        if config.has_placeholder_city() {
            tracing::warn!(
                "this city has no name yet (\"{}\"): set [city] name in {}",
                config.city.name,
                home.dir().join(crate::config::FILE_NAME).display()
            );
        }

        let (stop, stop_rx) = watch::channel(false);
        let api_task = tokio::spawn(api::serve(listener, shared.clone(), stop_rx.clone()));
        let main = tokio::spawn(event_loop(
            shared.clone(),
            events,
            stop_rx,
            Duration::from_secs(config.network.sync_interval_secs.max(1)),
        ));

        let running = Running {
            api: api_addr.to_string(),
            pid: std::process::id(),
            peer_id: shared.ctx.network.peer_id().to_string(),
        };
        let path = home.dir().join(RUNNING_FILE);
        let text = serde_json::to_string_pretty(&running).unwrap_or_default();
        std::fs::write(&path, text).map_err(|source| NodeError::Io { path, source })?;
        tracing::info!(
            peer_id = %running.peer_id,
            api = %api_addr,
            city = %shared.ctx.hello.city,
            "node started"
        );

        Ok(Node {
            shared,
            stop,
            main,
            api_task,
            net_task,
        })
    }

    pub fn shared(&self) -> &Shared {
        &self.shared
    }

    pub fn peer_id(&self) -> PeerId {
        self.shared.ctx.network.peer_id()
    }

    pub fn api_addr(&self) -> SocketAddr {
        self.shared.api
    }

    pub fn network(&self) -> &Network {
        &self.shared.ctx.network
    }

    pub fn store(&self) -> &Store {
        &self.shared.ctx.store
    }

    pub async fn status(&self) -> Result<Status, NodeError> {
        self.shared.status().await
    }

    /// Stops the API, the sessions and the network; waits for what is in flight.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.api_task.await;
        let _ = self.main.await;
        self.shared.ctx.network.stop().await;
        let _ = self.net_task.await;
        let _ = std::fs::remove_file(self.shared.home.join(RUNNING_FILE));
        tracing::info!("node stopped");
    }
}

/// Reacts to the network: sessions on connection and periodically, answers to requests,
/// validation of gossip.
async fn event_loop(
    shared: Shared,
    mut events: mpsc::Receiver<Event>,
    mut stop: watch::Receiver<bool>,
    interval: Duration,
) {
    let mut tasks = JoinSet::new();
    let mut connected: HashSet<PeerId> = HashSet::new();
    let (gossip, gossip_rx) = mpsc::channel(GOSSIP_QUEUE);
    tasks.spawn(validate_gossip(shared.clone(), gossip_rx));
    let answers = Arc::new(Semaphore::new(SYNC_ANSWERS));
    let mut tick = tokio::time::interval(interval);
    tick.tick().await;
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            _ = tick.tick() => {
                for peer in &connected {
                    shared.start_session(*peer, &mut tasks);
                }
                tasks.spawn(confirm_erasures(shared.clone()));
                if shared.ctx.policy.mode() == crate::config::TrustMode::Vouched {
                    // New vouches arrive as acts through any door: take them in at each tick.
                    let shared = shared.clone();
                    tasks.spawn(async move {
                        let _ = tokio::task::spawn_blocking(move || shared.refresh_vouches()).await;
                    });
                }
            }
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
            event = events.recv() => {
                let Some(event) = event else { break };
                match event {
                    Event::Connected { peer, .. } => {
                        connected.insert(peer);
                        shared.start_session(peer, &mut tasks);
                    }
                    Event::Disconnected { peer } => {
                        connected.remove(&peer);
                    }
                    Event::Inbound { peer, request, channel } => {
                        let shared = shared.clone();
                        let permit = answers.clone().try_acquire_owned().ok();
                        tasks.spawn(async move {
                            let response = match permit {
                                Some(_permit) => sync::answer(&shared.ctx, peer, request).await,
                                None => sync::wire::Response::Refused("busy, ask again later".to_owned()),
                            };
                            let _ = shared.ctx.network.respond(channel, response).await;
                        });
                    }
                    Event::Gossip { id, source, data } => {
                        if let Err(e) = gossip.try_send((id, source, data)) {
                            let (id, source, _) = e.into_inner();
                            tracing::debug!(peer = %source, "busy: a gossip message was dropped");
                            let network = shared.ctx.network.clone();
                            tasks.spawn(async move {
                                let _ = network.report(id, source, MessageAcceptance::Ignore).await;
                            });
                        }
                    }
                }
            }
        }
    }
    drop(gossip);
    // Let sessions and ingests in flight finish their current step; a session cut here
    // resumes at the next start.
    let _ = tokio::time::timeout(Duration::from_secs(5), async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    tasks.abort_all();
}

/// Signs an erasure receipt for every retraction this node applied and its city has not
/// confirmed yet, and publishes it like any entry: the retracting city sees which cities
/// erased. Only a node whose key is its city's key in force signs (a staff node's key may not
/// sign acts).
async fn confirm_erasures(shared: Shared) {
    let city = shared.ctx.hello.city;
    let pending = match shared.store().unconfirmed_retractions(city).await {
        Ok(pending) if !pending.is_empty() => pending,
        Ok(_) => return,
        Err(e) => {
            tracing::warn!("could not read retractions to confirm: {e}");
            return;
        }
    };
    let store = shared.store().clone();
    let may_sign = tokio::task::spawn_blocking(move || store.authority(city))
        .await
        .ok()
        .and_then(Result::ok)
        .is_some_and(|a| a.current_key() == shared.signer.public());
    if !may_sign {
        return;
    }
    let now = crate::time::now_ms();
    let mut lines = Vec::with_capacity(pending.len());
    for (retraction, doc) in pending {
        let act =
            audacities_protocol::Act::ErasureReceipt(audacities_protocol::act::ErasureReceipt {
                retraction,
                doc,
            });
        match audacities_protocol::Entry::sign_for(
            audacities_protocol::Body::Act(act),
            &shared.signer,
            city,
            now,
            None,
        ) {
            Ok(entry) => lines.push(entry.into_bytes()),
            Err(e) => tracing::warn!("could not sign an erasure receipt: {e}"),
        }
    }
    match shared.ingest_local(lines).await {
        Ok(report) => tracing::info!("{} erasure receipts published", report.accepted()),
        Err(e) => tracing::warn!("could not store erasure receipts: {e}"),
    }
}

/// Runs gossiped entries through the ingest function, as many as are waiting (up to
/// [`GOSSIP_BATCH`]) in one call; each verdict tells gossipsub whether to forward the message
/// (a new valid entry), penalise its sender (invalid), or drop it quietly (already here, or of a
/// city not trusted here). Ends when the queue closes.
async fn validate_gossip(shared: Shared, mut queue: mpsc::Receiver<(MessageId, PeerId, Vec<u8>)>) {
    while let Some(first) = queue.recv().await {
        let mut batch = vec![first];
        while batch.len() < GOSSIP_BATCH {
            match queue.try_recv() {
                Ok(message) => batch.push(message),
                Err(_) => break,
            }
        }
        let lines: Vec<Vec<u8>> = batch.iter().map(|(_, _, data)| data.clone()).collect();
        let store = shared.ctx.store.clone();
        let policy = shared.ctx.policy.clone();
        let report = tokio::task::spawn_blocking(move || {
            ingest::ingest(&store, &policy, lines.into_iter().map(Ok))
        })
        .await;
        let verdicts = match report {
            Ok(Ok(report)) => {
                shared.ctx.count_refusals(&report);
                report.verdicts
            }
            Ok(Err(e)) => {
                tracing::warn!("could not store gossiped entries: {}", e.source);
                Vec::new()
            }
            Err(_) => Vec::new(),
        };
        let mut verdicts = verdicts.into_iter();
        let mut added = false;
        for (id, source, _) in batch {
            let acceptance = match verdicts.next() {
                Some(Verdict::Accepted(entry)) => {
                    tracing::debug!(peer = %source, id = %entry, "entry received by gossip");
                    added = true;
                    MessageAcceptance::Accept
                }
                // Already here (a replay, or it came by sync first): not gossiped again.
                Some(Verdict::Duplicate(_)) => MessageAcceptance::Ignore,
                Some(Verdict::Rejected(reason)) => {
                    tracing::warn!(peer = %source, "entry rejected: {reason}");
                    MessageAcceptance::Reject
                }
                Some(Verdict::Untrusted { .. }) | None => MessageAcceptance::Ignore,
            };
            let _ = shared.ctx.network.report(id, source, acceptance).await;
        }
        if added {
            shared.ctx.changed();
        }
    }
}
