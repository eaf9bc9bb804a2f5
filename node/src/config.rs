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
const SECTIONS: [&str; 2] = ["city__", "publish__"];

/// The name `init` gives a city when none is given, flagged as "to be set" wherever shown.
pub const PLACEHOLDER_CITY: &str = "unnamed-city";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub city: City,
    #[serde(default)]
    pub publish: Publish,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct City {
    /// The city's name, as other cities see it.
    pub name: String,
    /// ISO 3166-1 alpha-2 code, e.g. `FR`.
    pub country: String,
}

impl Default for City {
    fn default() -> Self {
        Self {
            name: PLACEHOLDER_CITY.to_owned(),
            country: String::new(),
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
    let city = toml_string(city);
    let country = toml_string(country);
    format!(
        r#"# AudaCities node configuration — configuration du nœud AudaCities.
#
# Each value can be overridden by an environment variable AUDACITIES_<SECTION>__<KEY>,
# e.g. AUDACITIES_CITY__NAME="Lyon". The city's private key is NOT here: it lives in
# keys/city.key (mode 0600) and is never printed.
# Chaque valeur peut être remplacée par une variable d'environnement AUDACITIES_<SECTION>__<CLÉ>.
# La clé privée de la ville n'est PAS ici : elle est dans keys/city.key (mode 0600).

[city]
# The city's name, as other cities see it. / Le nom de la ville, tel que les autres le voient.
name = {city}
# ISO 3166-1 alpha-2 country code. / Code pays ISO 3166-1 alpha-2.
country = {country}

[publish]
# Licence (SPDX id) given to drafts that name none. / Licence des brouillons qui n'en donnent pas.
licence = "CC-BY-4.0"
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
