//! The libp2p behaviours a node runs, and the swarm built from them.
//!
//! Transports: TCP and QUIC, Noise, Yamux, and the relay client (so a city behind NAT can be
//! reached through a circuit, then upgraded to a direct connection by DCUtR). Protocols whose
//! names belong to the commons (`/audacities/<commons>/…/1`): Kademlia, gossipsub, sync,
//! identify's protocol version. Infrastructure protocols (ping, autonat, relay, dcutr) keep
//! their libp2p names, as every libp2p peer expects.

use std::time::Duration;

use libp2p::request_response::{self, ProtocolSupport};
use libp2p::swarm::NetworkBehaviour;
use libp2p::swarm::behaviour::toggle::Toggle;
use libp2p::{
    StreamProtocol, Swarm, SwarmBuilder, autonat, connection_limits, dcutr, gossipsub, identify,
    identity::Keypair, kad, mdns, noise, ping, relay, tcp, yamux,
};

use crate::sync::wire::{self, Request, Response};

use super::NetError;

/// The sync protocol's request-response behaviour (CBOR codec with our size limits).
pub type SyncBehaviour = request_response::cbor::Behaviour<Request, Response>;

#[derive(NetworkBehaviour)]
pub struct Behaviour {
    pub limits: connection_limits::Behaviour,
    pub relay_client: relay::client::Behaviour,
    pub relay_server: Toggle<relay::Behaviour>,
    pub identify: identify::Behaviour,
    pub ping: ping::Behaviour,
    pub mdns: Toggle<mdns::tokio::Behaviour>,
    pub kad: kad::Behaviour<kad::store::MemoryStore>,
    pub gossipsub: gossipsub::Behaviour,
    pub sync: SyncBehaviour,
    pub autonat: autonat::Behaviour,
    pub dcutr: dcutr::Behaviour,
}

/// The protocol names of one commons.
#[derive(Debug, Clone)]
pub struct Names {
    pub commons: String,
}

impl Names {
    pub fn new(commons: &str) -> Result<Self, NetError> {
        let ok = !commons.is_empty()
            && commons.len() <= 64
            && commons
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
        if !ok {
            return Err(NetError::Commons(commons.to_owned()));
        }
        Ok(Self {
            commons: commons.to_owned(),
        })
    }

    fn protocol(&self, what: &str) -> StreamProtocol {
        // Names::new allows only characters that make a valid protocol name.
        StreamProtocol::try_from_owned(format!("/audacities/{}/{what}/1", self.commons))
            .unwrap_or(StreamProtocol::new("/audacities/invalid/1"))
    }

    pub fn kad(&self) -> StreamProtocol {
        self.protocol("kad")
    }

    pub fn sync(&self) -> StreamProtocol {
        self.protocol("sync")
    }

    pub fn identify(&self) -> String {
        format!("/audacities/{}/id/1", self.commons)
    }

    /// gossipsub appends its own version (`/1.1.0`).
    pub fn gossipsub_prefix(&self) -> String {
        format!("/audacities/{}/meshsub", self.commons)
    }

    /// The topic new entries are announced on.
    pub fn topic(&self) -> gossipsub::IdentTopic {
        gossipsub::IdentTopic::new(format!("/audacities/{}/entries/1", self.commons))
    }
}

/// What the swarm needs to know to be built.
#[derive(Debug, Clone)]
pub struct Options {
    pub names: Names,
    pub mdns: bool,
    pub relay_server: bool,
    pub max_connections: u32,
    pub agent: String,
}

pub fn build(keypair: Keypair, options: &Options) -> Result<Swarm<Behaviour>, NetError> {
    let swarm = SwarmBuilder::with_existing_identity(keypair)
        .with_tokio()
        .with_tcp(
            tcp::Config::default().nodelay(true),
            noise::Config::new,
            yamux::Config::default,
        )
        .map_err(|e| NetError::Build(e.to_string()))?
        .with_quic()
        .with_dns()
        .map_err(|e| NetError::Build(e.to_string()))?
        .with_relay_client(noise::Config::new, yamux::Config::default)
        .map_err(|e| NetError::Build(e.to_string()))?
        .with_behaviour(|key, relay_client| behaviour(key, relay_client, options))
        .map_err(|e| NetError::Build(e.to_string()))?
        .with_swarm_config(|c| c.with_idle_connection_timeout(Duration::from_secs(120)))
        .build();
    Ok(swarm)
}

fn behaviour(
    key: &Keypair,
    relay_client: relay::client::Behaviour,
    options: &Options,
) -> Result<Behaviour, Box<dyn std::error::Error + Send + Sync>> {
    let peer_id = key.public().to_peer_id();
    let names = &options.names;

    let limits = connection_limits::Behaviour::new(
        connection_limits::ConnectionLimits::default()
            .with_max_established(Some(options.max_connections))
            .with_max_pending_incoming(Some(options.max_connections / 2 + 1))
            .with_max_established_per_peer(Some(4)),
    );

    let relay_server = options
        .relay_server
        .then(|| {
            relay::Behaviour::new(
                peer_id,
                relay::Config {
                    // Our circuits carry syncs, not just hole-punching: allow more than the
                    // libp2p defaults (2 minutes, 128 KiB).
                    max_circuit_duration: Duration::from_secs(30 * 60),
                    max_circuit_bytes: 256 * 1024 * 1024,
                    ..Default::default()
                },
            )
        })
        .into();

    let identify = identify::Behaviour::new(
        identify::Config::new(names.identify(), key.public())
            .with_agent_version(options.agent.clone()),
    );

    let mdns = if options.mdns {
        Some(mdns::tokio::Behaviour::new(
            mdns::Config::default(),
            peer_id,
        )?)
    } else {
        None
    }
    .into();

    let mut kad_config = kad::Config::new(names.kad());
    kad_config.set_query_timeout(Duration::from_secs(30));
    // The network task bootstraps itself (every 5 minutes, quietly when no peer is known yet).
    kad_config.set_periodic_bootstrap_interval(None);
    let mut kad =
        kad::Behaviour::with_config(peer_id, kad::store::MemoryStore::new(peer_id), kad_config);
    kad.set_mode(Some(kad::Mode::Server));

    let gossip_config = gossipsub::ConfigBuilder::default()
        .protocol_id_prefix(names.gossipsub_prefix())
        .validation_mode(gossipsub::ValidationMode::Strict)
        .validate_messages()
        .max_transmit_size(audacities_protocol::entry::MAX_ENTRY_BYTES + 4096)
        .heartbeat_interval(Duration::from_millis(500))
        // Entries are content-addressed: the same bytes are the same message.
        .message_id_fn(|m: &gossipsub::Message| {
            gossipsub::MessageId::from(blake3::hash(&m.data).as_bytes().to_vec())
        })
        .build()?;
    let mut gossipsub = gossipsub::Behaviour::new(
        gossipsub::MessageAuthenticity::Signed(key.clone()),
        gossip_config,
    )?;
    gossipsub.with_peer_score(score_params(names), score_thresholds())?;
    gossipsub.subscribe(&names.topic())?;

    let codec = request_response::cbor::codec::Codec::<Request, Response>::default()
        .set_request_size_maximum(wire::MAX_REQUEST_BYTES)
        .set_response_size_maximum(wire::MAX_RESPONSE_BYTES);
    let sync = request_response::Behaviour::with_codec(
        codec,
        [(names.sync(), ProtocolSupport::Full)],
        request_response::Config::default()
            .with_request_timeout(Duration::from_secs(60))
            .with_max_concurrent_streams(64),
    );

    let autonat = autonat::Behaviour::new(peer_id, autonat::Config::default());
    let dcutr = dcutr::Behaviour::new(peer_id);

    Ok(Behaviour {
        limits,
        relay_client,
        relay_server,
        identify,
        ping: ping::Behaviour::default(),
        mdns,
        kad,
        gossipsub,
        sync,
        autonat,
        dcutr,
    })
}

/// Peer scoring: a peer whose messages we reject (forged, malformed) loses score quickly, is
/// pruned from the mesh, then graylisted (its messages ignored).
fn score_params(names: &Names) -> gossipsub::PeerScoreParams {
    let mut params = gossipsub::PeerScoreParams::default();
    let topic = gossipsub::TopicScoreParams {
        topic_weight: 1.0,
        invalid_message_deliveries_weight: -100.0,
        invalid_message_deliveries_decay: 0.9,
        ..Default::default()
    };
    params.topics.insert(names.topic().hash(), topic);
    params
}

fn score_thresholds() -> gossipsub::PeerScoreThresholds {
    gossipsub::PeerScoreThresholds {
        gossip_threshold: -10.0,
        publish_threshold: -50.0,
        graylist_threshold: -80.0,
        accept_px_threshold: 10.0,
        opportunistic_graft_threshold: 20.0,
    }
}
