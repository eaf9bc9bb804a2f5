//! The node's configuration: defaults < `config.toml` in the home < environment variables
//! (`AUDACITIES_CITY__NAME`, `AUDACITIES_PUBLISH__LICENCE`, …, `__` for nesting). Errors name
//! the source and the key (figment does that for us).

use std::path::Path;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// The file name of the configuration inside a home.
pub const FILE_NAME: &str = "config.toml";

/// The config sections that environment variables may set (`AUDACITIES_HOME` and
/// `AUDACITIES_LANG` belong to the CLI, not here).
const SECTIONS: [&str; 4] = ["city__", "publish__", "network__", "trust"];

/// The name `init` gives a city when none is given, flagged as "to be set" wherever shown.
pub const PLACEHOLDER_CITY: &str = "unnamed-city";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub city: City,
    #[serde(default)]
    pub publish: Publish,
    /// Whose entries this node stores and relays.
    #[serde(default)]
    pub trust: TrustMode,
    /// With `trust = "vouched"`: how many directly trusted cities must vouch for a city.
    #[serde(default = "default_vouches")]
    pub vouches: u32,
    #[serde(default)]
    pub network: Network,
}

/// Whose entries a node stores and relays.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TrustMode {
    /// This city and the cities added with `audacities trust add`.
    #[default]
    Members,
    /// Any validly signed city.
    Open,
    /// This city, the trust list, and the cities that at least `vouches` of them vouch for
    /// (`audacities trust vouch KEY`).
    Vouched,
}

fn default_vouches() -> u32 {
    2
}

impl Default for Config {
    fn default() -> Self {
        Self {
            city: City::default(),
            publish: Publish::default(),
            trust: TrustMode::default(),
            vouches: default_vouches(),
            network: Network::default(),
        }
    }
}

/// The default port of the peer-to-peer listeners (TCP and QUIC).
pub const DEFAULT_PORT: u16 = 4410;
/// The default address of the local HTTP API.
pub const DEFAULT_API: &str = "127.0.0.1:7410";
/// The default commons: nodes of different commons never talk to each other.
pub const DEFAULT_COMMONS: &str = "main";

/// The peer-to-peer network and the local API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Network {
    /// Which commons this node belongs to; part of every protocol name, so that a test
    /// commons never mixes with the main one.
    pub commons: String,
    /// Multiaddrs to listen on.
    pub listen: Vec<String>,
    /// Address of the local HTTP API.
    pub api: String,
    /// Peers to dial at start and redial with backoff (multiaddrs, `/p2p/PEER_ID` optional).
    pub peers: Vec<String>,
    /// Discover peers on the local network.
    pub mdns: bool,
    /// Serve as a relay for nodes behind NAT (for well-connected nodes).
    pub relay_server: bool,
    /// Most connections at once (incoming and outgoing).
    pub max_connections: u32,
    /// Seconds between two periodic reconciliations with each connected peer.
    pub sync_interval_secs: u64,
    /// Web origins (`https://observatoire.example`) whose pages may read the local API from a
    /// browser (CORS). Empty by default: no CORS header at all. Never `*`.
    pub api_cors_origins: Vec<String>,
}

impl Default for Network {
    fn default() -> Self {
        Self {
            commons: DEFAULT_COMMONS.to_owned(),
            listen: vec![
                format!("/ip4/0.0.0.0/tcp/{DEFAULT_PORT}"),
                format!("/ip4/0.0.0.0/udp/{DEFAULT_PORT}/quic-v1"),
            ],
            api: DEFAULT_API.to_owned(),
            peers: Vec::new(),
            mdns: true,
            relay_server: false,
            max_connections: 128,
            sync_interval_secs: 60,
            api_cors_origins: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct City {
    /// The city's name, as other cities see it.
    pub name: String,
    /// ISO 3166-1 alpha-2 code, e.g. `FR`.
    pub country: String,
    /// The city this home speaks for, when its signing key is not the city's first key: a
    /// staff home (`init --staff-of`), or a city home after `key rotate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<audacities_protocol::PublicKey>,
}

impl Default for City {
    fn default() -> Self {
        Self {
            name: PLACEHOLDER_CITY.to_owned(),
            country: String::new(),
            key: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Publish {
    /// The licence (an SPDX id) given to drafts that name none.
    pub licence: String,
}

impl Default for Publish {
    fn default() -> Self {
        Self {
            licence: "CC-BY-4.0".to_owned(),
        }
    }
}

/// A configuration that could not be read; the message names the file or variable and the key.
#[derive(Debug, thiserror::Error)]
#[error("configuration: {0}")]
pub struct ConfigError(#[from] Box<figment::Error>);

impl Config {
    /// Reads the configuration of the home at `dir`: defaults, then its `config.toml` (if any),
    /// then `AUDACITIES_*` environment variables.
    pub fn load(dir: &Path) -> Result<Self, ConfigError> {
        Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file_exact(dir.join(FILE_NAME)))
            .merge(
                Env::prefixed("AUDACITIES_")
                    .filter(|k| SECTIONS.iter().any(|s| k.as_str().starts_with(s)))
                    .split("__"),
            )
            .extract()
            .map_err(|e| ConfigError(Box::new(e)))
    }

    pub fn has_placeholder_city(&self) -> bool {
        self.city.name == PLACEHOLDER_CITY
    }
}

/// The commented `config.toml` that `init` writes.
pub fn commented_file(city: &str, country: &str) -> String {
    commented_file_for(city, country, None)
}

/// [`commented_file`] with the `[city] key` of a staff home.
pub fn commented_file_for(
    city: &str,
    country: &str,
    key: Option<&audacities_protocol::PublicKey>,
) -> String {
    let city = toml_string(city);
    let country = toml_string(country);
    let key = match key {
        Some(key) => format!(
            "# The city this home publishes for (a staff home: its own key is keys/staff.key).\n\
             # La ville pour laquelle ce poste publie (poste d'agent : sa clé est keys/staff.key).\n\
             key = \"{key}\"\n"
        ),
        None => String::new(),
    };
    format!(
        r#"# AudaCities node configuration — configuration du nœud AudaCities.
#
# Each value can be overridden by an environment variable AUDACITIES_<SECTION>__<KEY>,
# e.g. AUDACITIES_CITY__NAME="Lyon". The city's private key is NOT here: it lives in
# keys/city.key (mode 0600) and is never printed.
# Chaque valeur peut être remplacée par une variable d'environnement AUDACITIES_<SECTION>__<CLÉ>.
# La clé privée de la ville n'est PAS ici : elle est dans keys/city.key (mode 0600).

# Whose entries this node stores and relays: "members" (this city and those added with
# `audacities trust add KEY`), "vouched" (also the cities enough of them vouch for) or "open"
# (any validly signed city).
# Les entrées que ce nœud garde et relaie : "members" (cette ville et celles ajoutées avec
# `audacities trust add CLÉ`) ou "open" (toute ville dont la signature est valide).
trust = "members"
# With trust = "vouched": also the cities that at least this many of the cities above vouch for
# (`audacities trust vouch KEY`). / Avec "vouched" : aussi les villes recommandées par au moins
# ce nombre des villes ci-dessus.
vouches = 2

[city]
# The city's name, as other cities see it. / Le nom de la ville, tel que les autres le voient.
name = {city}
# ISO 3166-1 alpha-2 country code. / Code pays ISO 3166-1 alpha-2.
country = {country}
{key}
[publish]
# Licence (SPDX id) given to drafts that name none. / Licence des brouillons qui n'en donnent pas.
licence = "CC-BY-4.0"

[network]
# The commons this node belongs to (nodes of different commons never talk).
# Le commun auquel ce nœud appartient (des nœuds de communs différents ne se parlent pas).
commons = "main"
# Peer-to-peer listen addresses (TCP and QUIC). / Adresses d'écoute pair-à-pair.
listen = ["/ip4/0.0.0.0/tcp/4410", "/ip4/0.0.0.0/udp/4410/quic-v1"]
# The local HTTP API; keep it on loopback. / L'API HTTP locale ; gardez-la en boucle locale.
api = "127.0.0.1:7410"
# Peers to dial, e.g. ["/ip4/203.0.113.7/tcp/4410/p2p/12D3Koo…"]. / Pairs à joindre.
peers = []
# Find other nodes on the local network. / Trouver les nœuds du réseau local.
mdns = true
# Relay connections for nodes behind NAT. / Relayer pour les nœuds derrière un NAT.
relay_server = false
max_connections = 128
# Seconds between reconciliations with each peer. / Secondes entre deux synchronisations.
sync_interval_secs = 60
# Web origins allowed to read the local API from a browser (CORS), e.g.
# ["https://observatoire.example"]; none by default. / Origines web autorisées à lire l'API
# locale depuis un navigateur (CORS) ; aucune par défaut.
api_cors_origins = []
"#
    )
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_commented_file_reads_back_as_the_values_written() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(FILE_NAME),
            commented_file("Napoli \"centro\"", "IT"),
        )
        .unwrap();
        let config = Config::load(dir.path()).unwrap();
        assert_eq!(config.city.name, "Napoli \"centro\"");
        assert_eq!(config.city.country, "IT");
        assert_eq!(config.publish.licence, "CC-BY-4.0");
    }

    #[test]
    fn an_unknown_key_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE_NAME), "[city]\nnmae = \"x\"\n").unwrap();
        let err = Config::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("nmae"), "{err}");
    }
}
