//! The peer-to-peer network: one task owns the libp2p [`Swarm`](libp2p::Swarm); the rest of
//! the node talks to it through [`Network`], a cloneable handle over a bounded channel, and
//! hears from it through a bounded channel of [`Event`]s.
//!
//! The task does no I/O of its own beyond libp2p's: requests from peers and gossip messages
//! are handed to the node (which asks the store and runs the ingest function), and the node
//! answers through the handle. So a slow disk never stalls the swarm.

pub mod behaviour;
mod task;

use std::time::Duration;

use libp2p::gossipsub::{MessageAcceptance, MessageId};
use libp2p::request_response::ResponseChannel;
use libp2p::{Multiaddr, PeerId};
use serde::Serialize;
use tokio::sync::{mpsc, oneshot};

pub use behaviour::{Names, Options};

use crate::sync::wire::{Request, Response};

/// Commands queued for the swarm task before senders wait.
const COMMANDS: usize = 256;
/// Events queued for the node before the swarm task drops gossip and requests (peers retry).
const EVENTS: usize = 1_024;

/// Why the network could not start or a request failed.
#[derive(Debug, thiserror::Error)]
pub enum NetError {
    #[error("commons id {0:?}: use 1–64 letters, digits, '-', '_' or '.'")]
    Commons(String),
    #[error("{address}: not a multiaddr: {reason}")]
    Address { address: String, reason: String },
    #[error("could not listen on {address}: {reason}")]
    Listen { address: String, reason: String },
    #[error("could not build the network: {0}")]
    Build(String),
    #[error("peer {peer}: {reason}")]
    Request { peer: PeerId, reason: String },
    #[error("the network task has stopped")]
    Stopped,
}

/// Something the network tells the node.
#[derive(Debug)]
pub enum Event {
    /// A first connection to `peer` is up.
    Connected { peer: PeerId, address: Multiaddr },
    /// The last connection to `peer` closed.
    Disconnected { peer: PeerId },
    /// A peer asks something of the sync protocol; answer with [`Network::respond`].
    Inbound {
        peer: PeerId,
        request: Request,
        channel: ResponseChannel<Response>,
    },
    /// A gossip message to validate; report with [`Network::report`].
    Gossip {
        id: MessageId,
        source: PeerId,
        data: Vec<u8>,
    },
}

/// A connected peer as the swarm sees it.
#[derive(Debug, Clone, Serialize)]
pub struct Peer {
    pub peer_id: String,
    pub address: String,
    /// What the peer says it runs (identify's agent version), once known.
    pub agent: Option<String>,
    /// Through a relay circuit.
    pub relayed: bool,
    /// Its gossipsub score as this node sees it (negative once it sent invalid messages).
    pub score: Option<f64>,
}

/// The swarm's state, for `status` and `peers`.
#[derive(Debug, Clone, Serialize)]
pub struct Info {
    pub peer_id: String,
    pub listen: Vec<String>,
    /// Addresses confirmed reachable from outside (autonat), if any.
    pub external: Vec<String>,
    /// `public`, `private` or `unknown` (autonat).
    pub nat: String,
    /// Peers in this node's gossipsub mesh for the commons' topic.
    pub mesh_peers: usize,
    pub peers: Vec<Peer>,
}

#[derive(Debug)]
enum Command {
    Request {
        peer: PeerId,
        request: Request,
        reply: oneshot::Sender<Result<Response, NetError>>,
    },
    Respond {
        channel: ResponseChannel<Response>,
        response: Response,
    },
    Publish {
        data: Vec<u8>,
    },
    Report {
        id: MessageId,
        source: PeerId,
        acceptance: MessageAcceptance,
    },
    Dial {
        address: Multiaddr,
    },
    Info {
        reply: oneshot::Sender<Info>,
    },
    Stop,
}

/// What the network is started with.
#[derive(Debug, Clone)]
pub struct Start {
    pub options: Options,
    pub listen: Vec<Multiaddr>,
    /// Dialled at start and redialled with backoff while not connected.
    pub bootstrap: Vec<Multiaddr>,
}

/// Parses a multiaddr, naming it in the error.
pub fn parse_address(text: &str) -> Result<Multiaddr, NetError> {
    text.parse()
        .map_err(|e: libp2p::multiaddr::Error| NetError::Address {
            address: text.to_owned(),
            reason: e.to_string(),
        })
}

/// The handle to the swarm task. Cheap to clone.
#[derive(Clone)]
pub struct Network {
    commands: mpsc::Sender<Command>,
    peer_id: PeerId,
}

impl Network {
    /// Builds the swarm, starts listening, and spawns its task on the current tokio runtime.
    /// Returns the handle, the events, and the task (which ends after [`Network::stop`]).
    pub async fn start(
        keypair: libp2p::identity::Keypair,
        start: Start,
    ) -> Result<(Network, mpsc::Receiver<Event>, tokio::task::JoinHandle<()>), NetError> {
        let peer_id = keypair.public().to_peer_id();
        let mut swarm = behaviour::build(keypair, &start.options)?;
        for address in &start.listen {
            swarm
                .listen_on(address.clone())
                .map_err(|e| NetError::Listen {
                    address: address.to_string(),
                    reason: e.to_string(),
                })?;
        }
        let (commands_tx, commands_rx) = mpsc::channel(COMMANDS);
        let (events_tx, events_rx) = mpsc::channel(EVENTS);
        let task = task::Task::new(swarm, start, commands_rx, events_tx);
        let handle = tokio::spawn(task.run());
        Ok((
            Network {
                commands: commands_tx,
                peer_id,
            },
            events_rx,
            handle,
        ))
    }

    pub fn peer_id(&self) -> PeerId {
        self.peer_id
    }

    async fn send(&self, command: Command) -> Result<(), NetError> {
        self.commands
            .send(command)
            .await
            .map_err(|_| NetError::Stopped)
    }

    /// Sends a sync request and waits for the answer (bounded by the protocol's timeout).
    pub async fn request(&self, peer: PeerId, request: Request) -> Result<Response, NetError> {
        let (reply, answer) = oneshot::channel();
        self.send(Command::Request {
            peer,
            request,
            reply,
        })
        .await?;
        match tokio::time::timeout(Duration::from_secs(90), answer).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err(NetError::Stopped),
            Err(_) => Err(NetError::Request {
                peer,
                reason: "no answer within 90 s".to_owned(),
            }),
        }
    }

    /// Answers a peer's request.
    pub async fn respond(
        &self,
        channel: ResponseChannel<Response>,
        response: Response,
    ) -> Result<(), NetError> {
        self.send(Command::Respond { channel, response }).await
    }

    /// Announces an entry (its wire line) on the commons' topic.
    pub async fn publish(&self, data: Vec<u8>) -> Result<(), NetError> {
        self.send(Command::Publish { data }).await
    }

    /// Tells gossipsub what became of a message: forward it, penalise its sender, or drop it.
    pub async fn report(
        &self,
        id: MessageId,
        source: PeerId,
        acceptance: MessageAcceptance,
    ) -> Result<(), NetError> {
        self.send(Command::Report {
            id,
            source,
            acceptance,
        })
        .await
    }

    pub async fn dial(&self, address: Multiaddr) -> Result<(), NetError> {
        self.send(Command::Dial { address }).await
    }

    pub async fn info(&self) -> Result<Info, NetError> {
        let (reply, answer) = oneshot::channel();
        self.send(Command::Info { reply }).await?;
        answer.await.map_err(|_| NetError::Stopped)
    }

    /// Asks the task to close every connection and end.
    pub async fn stop(&self) {
        let _ = self.send(Command::Stop).await;
    }
}
