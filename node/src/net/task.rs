//! The task that owns the swarm: it turns commands into swarm calls and swarm events into
//! [`Event`]s for the node, dials bootstrap peers with backoff, and follows what peers say
//! about themselves (identify, mDNS, Kademlia).

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use futures::StreamExt;
use libp2p::core::ConnectedPoint;
use libp2p::gossipsub::{self, MessageAcceptance};
use libp2p::multiaddr::Protocol;
use libp2p::request_response::{self, OutboundRequestId};
use libp2p::swarm::SwarmEvent;
use libp2p::{Multiaddr, PeerId, Swarm, autonat, identify, kad, mdns};
use tokio::sync::{mpsc, oneshot};

use super::behaviour::{Behaviour, BehaviourEvent, Names};
use super::{Command, Event, Info, NetError, Peer, Start};
use crate::sync::wire::Response;

/// Longest wait between two dials of a bootstrap peer.
const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// Peers found by mDNS or Kademlia are dialled while fewer than this are connected.
const WANTED_PEERS: usize = 16;
/// At most this many relays are used to be reachable from behind NAT.
const MAX_RELAYS: usize = 2;
/// The relay protocol a relay server speaks (from identify).
const RELAY_HOP: &str = "/libp2p/circuit/relay/0.2.0/hop";

struct Bootstrap {
    address: Multiaddr,
    peer: Option<PeerId>,
    next: Instant,
    delay: Duration,
}

struct Connected {
    address: Multiaddr,
    agent: Option<String>,
    relayed: bool,
}

pub(super) struct Task {
    swarm: Swarm<Behaviour>,
    names: Names,
    commands: mpsc::Receiver<Command>,
    events: mpsc::Sender<Event>,
    pending: HashMap<OutboundRequestId, oneshot::Sender<Result<Response, NetError>>>,
    bootstrap: Vec<Bootstrap>,
    peers: HashMap<PeerId, Connected>,
    nat: autonat::NatStatus,
    relays: HashSet<PeerId>,
    /// A Kademlia bootstrap has started since the node did.
    kad_started: bool,
    stopping: bool,
}

fn peer_of(address: &Multiaddr) -> Option<PeerId> {
    address.iter().find_map(|p| match p {
        Protocol::P2p(peer) => Some(peer),
        _ => None,
    })
}

fn is_relayed(address: &Multiaddr) -> bool {
    address.iter().any(|p| matches!(p, Protocol::P2pCircuit))
}

impl Task {
    pub(super) fn new(
        swarm: Swarm<Behaviour>,
        start: Start,
        commands: mpsc::Receiver<Command>,
        events: mpsc::Sender<Event>,
    ) -> Self {
        let now = Instant::now();
        let bootstrap = start
            .bootstrap
            .into_iter()
            .map(|address| Bootstrap {
                peer: peer_of(&address),
                address,
                next: now,
                delay: Duration::from_secs(1),
            })
            .collect();
        Self {
            swarm,
            names: start.options.names,
            commands,
            events,
            pending: HashMap::new(),
            bootstrap,
            peers: HashMap::new(),
            nat: autonat::NatStatus::Unknown,
            relays: HashSet::new(),
            kad_started: false,
            stopping: false,
        }
    }

    pub(super) async fn run(mut self) {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        let mut kad_tick = tokio::time::interval(Duration::from_secs(300));
        while !self.stopping {
            tokio::select! {
                command = self.commands.recv() => match command {
                    Some(command) => self.command(command),
                    None => break,
                },
                event = self.swarm.select_next_some() => self.swarm_event(event).await,
                _ = tick.tick() => self.redial(),
                _ = kad_tick.tick() => {
                    // An empty routing table is not an error worth logging.
                    let _ = self.swarm.behaviour_mut().kad.bootstrap();
                }
            }
        }
        for (_, reply) in self.pending.drain() {
            let _ = reply.send(Err(NetError::Stopped));
        }
        let connected: Vec<PeerId> = self.swarm.connected_peers().copied().collect();
        for peer in connected {
            let _ = self.swarm.disconnect_peer_id(peer);
        }
        tracing::debug!("network task stopped");
    }

    fn command(&mut self, command: Command) {
        match command {
            Command::Request {
                peer,
                request,
                reply,
            } => {
                let id = self.swarm.behaviour_mut().sync.send_request(&peer, request);
                self.pending.insert(id, reply);
            }
            Command::Respond { channel, response } => {
                // Fails only when the peer has gone; it will ask again.
                let _ = self
                    .swarm
                    .behaviour_mut()
                    .sync
                    .send_response(channel, response);
            }
            Command::Publish { data } => {
                let topic = self.names.topic();
                if let Err(e) = self.swarm.behaviour_mut().gossipsub.publish(topic, data) {
                    // No peer on the topic yet, or already sent: the entry leaves with the
                    // next sync instead.
                    tracing::debug!("gossip publish: {e}");
                }
            }
            Command::Report {
                id,
                source,
                acceptance,
            } => {
                self.swarm
                    .behaviour_mut()
                    .gossipsub
                    .report_message_validation_result(&id, &source, acceptance);
            }
            Command::Dial { address } => self.dial(address),
            Command::Info { reply } => {
                let _ = reply.send(self.info());
            }
            Command::Stop => self.stopping = true,
        }
    }

    fn dial(&mut self, address: Multiaddr) {
        if let Err(e) = self.swarm.dial(address.clone()) {
            tracing::debug!("dial {address}: {e}");
        }
    }

    fn info(&self) -> Info {
        let mut peers: Vec<Peer> = self
            .peers
            .iter()
            .map(|(peer, c)| Peer {
                peer_id: peer.to_string(),
                address: c.address.to_string(),
                agent: c.agent.clone(),
                relayed: c.relayed,
                score: self.swarm.behaviour().gossipsub.peer_score(peer),
            })
            .collect();
        let topic = self.names.topic().hash();
        peers.sort_by(|a, b| a.peer_id.cmp(&b.peer_id));
        Info {
            peer_id: self.swarm.local_peer_id().to_string(),
            listen: self.swarm.listeners().map(ToString::to_string).collect(),
            external: self
                .swarm
                .external_addresses()
                .map(ToString::to_string)
                .collect(),
            nat: match self.nat {
                autonat::NatStatus::Public(_) => "public",
                autonat::NatStatus::Private => "private",
                autonat::NatStatus::Unknown => "unknown",
            }
            .to_owned(),
            mesh_peers: self.swarm.behaviour().gossipsub.mesh_peers(&topic).count(),
            peers,
        }
    }

    /// Dials the bootstrap peers that are not connected and whose backoff has passed.
    fn redial(&mut self) {
        let now = Instant::now();
        let mut due = Vec::new();
        for b in &mut self.bootstrap {
            let connected = b.peer.is_some_and(|p| self.swarm.is_connected(&p));
            if connected {
                b.delay = Duration::from_secs(1);
                continue;
            }
            if b.next <= now {
                due.push(b.address.clone());
                b.next = now + b.delay;
                b.delay = (b.delay * 2).min(MAX_BACKOFF);
            }
        }
        for address in due {
            self.dial(address);
        }
    }

    async fn swarm_event(&mut self, event: SwarmEvent<BehaviourEvent>) {
        match event {
            SwarmEvent::NewListenAddr { address, .. } => {
                tracing::info!("listening on {address}");
                // libp2p's relay server refuses reservations (`Unsupported`) until the node has
                // a confirmed external address; a node configured as a relay is meant to be
                // reachable where it listens.
                if self.swarm.behaviour().relay_server.is_enabled() {
                    self.swarm.add_external_address(address);
                }
            }
            SwarmEvent::ConnectionEstablished {
                peer_id,
                endpoint,
                num_established,
                ..
            } => {
                let address = endpoint.get_remote_address().clone();
                if let ConnectedPoint::Dialer {
                    address: dialed, ..
                } = &endpoint
                {
                    for b in &mut self.bootstrap {
                        if b.peer.is_none() && &b.address == dialed {
                            b.peer = Some(peer_id);
                        }
                    }
                }
                if num_established.get() == 1 {
                    tracing::info!(peer = %peer_id, %address, "peer connected");
                    self.peers.insert(
                        peer_id,
                        Connected {
                            relayed: endpoint.is_relayed(),
                            address: address.clone(),
                            agent: None,
                        },
                    );
                    let _ = self
                        .events
                        .send(Event::Connected {
                            peer: peer_id,
                            address,
                        })
                        .await;
                }
            }
            SwarmEvent::ConnectionClosed {
                peer_id,
                num_established: 0,
                cause,
                ..
            } => {
                tracing::info!(peer = %peer_id, cause = ?cause, "peer disconnected");
                self.peers.remove(&peer_id);
                self.relays.remove(&peer_id);
                let _ = self
                    .events
                    .send(Event::Disconnected { peer: peer_id })
                    .await;
            }
            SwarmEvent::OutgoingConnectionError { peer_id, error, .. } => {
                tracing::debug!(peer = ?peer_id, "could not connect: {error}");
            }
            SwarmEvent::IncomingConnectionError { error, .. } => {
                tracing::debug!("incoming connection failed: {error}");
            }
            SwarmEvent::Behaviour(event) => self.behaviour_event(event),
            _ => {}
        }
    }

    fn behaviour_event(&mut self, event: BehaviourEvent) {
        match event {
            BehaviourEvent::Sync(event) => self.sync_event(event),
            BehaviourEvent::Gossipsub(gossipsub::Event::Message {
                propagation_source,
                message_id,
                message,
            }) => {
                let event = Event::Gossip {
                    id: message_id.clone(),
                    source: propagation_source,
                    data: message.data,
                };
                if self.events.try_send(event).is_err() {
                    // The node is behind: drop without penalty; sync fetches it later.
                    self.swarm
                        .behaviour_mut()
                        .gossipsub
                        .report_message_validation_result(
                            &message_id,
                            &propagation_source,
                            MessageAcceptance::Ignore,
                        );
                }
            }
            BehaviourEvent::Identify(identify::Event::Received { peer_id, info, .. }) => {
                self.identified(peer_id, info);
            }
            BehaviourEvent::Mdns(mdns::Event::Discovered(found)) => {
                for (peer, address) in found {
                    if !self.swarm.is_connected(&peer) && self.peers.len() < WANTED_PEERS {
                        tracing::debug!(%peer, %address, "found on the local network");
                        self.dial(address.with_p2p(peer).unwrap_or_else(|a| a));
                    }
                }
            }
            BehaviourEvent::Kad(kad::Event::RoutingUpdated {
                peer, addresses, ..
            }) => {
                if !self.swarm.is_connected(&peer) && self.peers.len() < WANTED_PEERS {
                    let first = addresses.first().clone();
                    tracing::debug!(%peer, "found through the commons' DHT");
                    self.dial(first.with_p2p(peer).unwrap_or_else(|a| a));
                }
            }
            BehaviourEvent::Autonat(autonat::Event::StatusChanged { new, .. }) => {
                tracing::info!("reachability: {new:?}");
                self.nat = new;
            }
            other => tracing::trace!("network event: {other:?}"),
        }
    }

    fn sync_event(&mut self, event: request_response::Event<crate::sync::wire::Request, Response>) {
        match event {
            request_response::Event::Message { peer, message, .. } => match message {
                request_response::Message::Request {
                    request, channel, ..
                } => {
                    let event = Event::Inbound {
                        peer,
                        request,
                        channel,
                    };
                    if self.events.try_send(event).is_err() {
                        tracing::warn!(%peer, "busy: a sync request was dropped");
                    }
                }
                request_response::Message::Response {
                    request_id,
                    response,
                } => {
                    if let Some(reply) = self.pending.remove(&request_id) {
                        let _ = reply.send(Ok(response));
                    }
                }
            },
            request_response::Event::OutboundFailure {
                peer,
                request_id,
                error,
                ..
            } => {
                if let Some(reply) = self.pending.remove(&request_id) {
                    let _ = reply.send(Err(NetError::Request {
                        peer,
                        reason: error.to_string(),
                    }));
                }
            }
            request_response::Event::InboundFailure { peer, error, .. } => {
                tracing::debug!(%peer, "sync request from peer failed: {error}");
            }
            request_response::Event::ResponseSent { .. } => {}
        }
    }

    fn identified(&mut self, peer: PeerId, info: identify::Info) {
        if let Some(c) = self.peers.get_mut(&peer) {
            c.agent = Some(info.agent_version.clone());
        }
        // Only peers of our commons go into our DHT: identify's protocol version carries it.
        if info.protocol_version != self.names.identify() {
            tracing::debug!(%peer, version = %info.protocol_version, "not a peer of this commons");
            return;
        }
        let kad_protocol = self.names.kad();
        if info.protocols.contains(&kad_protocol) {
            for address in &info.listen_addrs {
                self.swarm
                    .behaviour_mut()
                    .kad
                    .add_address(&peer, address.clone());
            }
            // The first peer of the commons: look for the others through it now rather than
            // at the next periodic bootstrap.
            if !self.kad_started {
                self.kad_started = self.swarm.behaviour_mut().kad.bootstrap().is_ok();
            }
        }
        // Behind NAT: be reachable through relays that offer to serve.
        let hop = info.protocols.iter().any(|p| p.as_ref() == RELAY_HOP);
        if hop
            && matches!(self.nat, autonat::NatStatus::Private)
            && self.relays.len() < MAX_RELAYS
            && !self.relays.contains(&peer)
            && let Some(address) = info.listen_addrs.iter().find(|a| !is_relayed(a)).cloned()
        {
            let circuit = address
                .with_p2p(peer)
                .unwrap_or_else(|a| a)
                .with(Protocol::P2pCircuit);
            match self.swarm.listen_on(circuit.clone()) {
                Ok(_) => {
                    tracing::info!(relay = %peer, "reachable through relay {circuit}");
                    self.relays.insert(peer);
                }
                Err(e) => tracing::warn!("could not listen through relay {circuit}: {e}"),
            }
        }
    }
}
