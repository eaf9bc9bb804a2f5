//! `audacities import FILE`: verifies each line of a bundle through the one ingest function and
//! reports accepted / duplicate / rejected / untrusted, with the reason for each refusal. A bad
//! line never stops the others. The home's trust policy applies as it does to gossip and sync:
//! entries of a city not on the trust list are not stored, and the command says how to trust it.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;

use audacities_node::bundle::Reader;
use audacities_node::ingest::{self, Report, Verdict};
use audacities_protocol::PublicKey;
use serde_json::{Value, json};

use crate::client::Client;
use crate::commands::{open_home, store_failure};
use crate::failure::Failure;
use crate::i18n::Messages;
use crate::output;

#[derive(clap::Args)]
pub struct Args {
    /// A bundle file (one signed entry per line); - reads stdin. — Paquet à importer.
    file: PathBuf,
    /// Print the report as JSON: totals and one item per line of the bundle. — Rapport en
    /// JSON : totaux et un élément par ligne du paquet.
    #[arg(long)]
    json: bool,
}

pub fn run(messages: &Messages, home: Option<PathBuf>, args: Args) -> Result<(), Failure> {
    let label = args.file.display().to_string();
    let input: Box<dyn BufRead> = if args.file.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let file = File::open(&args.file).map_err(|e| {
            Failure::because(messages, "read-failed", format!("{label}: {e}"))
                .hint(messages.get("hint-path"))
        })?;
        Box::new(BufReader::with_capacity(1 << 20, file))
    };
    let home = open_home(messages, home)?;
    let policy = home.policy().map_err(|e| store_failure(messages, e))?;

    let mut numbers = Vec::new();
    let mut read_error = None;
    let items = Reader::new(input).map_while(|line| match line {
        Ok(line) => {
            numbers.push(line.number);
            Some(line.item)
        }
        Err(e) => {
            read_error = Some(e);
            None
        }
    });
    let report = if let Some(node) = Client::find(home.dir()) {
        // A running node ingests them (its trust policy applies) and announces them on gossip.
        node.ingest(items)
            .map_err(|e| Failure::because(messages, "node-failed", e))?
    } else {
        let report = match ingest::ingest(home.store(), &policy, items) {
            Ok(report) => report,
            Err(e) => {
                return Err(store_failure(messages, e.source)
                    .detail(messages.with("import-partial", &[("n", &e.report.accepted())])));
            }
        };
        // Make the new entries searchable before saying they are imported.
        home.store()
            .finish_indexing()
            .map_err(|e| store_failure(messages, e))?;
        report
    };

    let (accepted, duplicates, rejected, untrusted) = (
        report.accepted(),
        report.duplicates(),
        report.rejected(),
        report.untrusted(),
    );
    if args.json {
        let items: Vec<Value> = numbers
            .iter()
            .zip(&report.verdicts)
            .map(|(line, verdict)| match verdict {
                Verdict::Accepted(id) => {
                    json!({"line": line, "status": "accepted", "id": id.to_string()})
                }
                Verdict::Duplicate(id) => {
                    json!({"line": line, "status": "duplicate", "id": id.to_string()})
                }
                Verdict::Rejected(reason) => {
                    json!({"line": line, "status": "rejected", "reason": reason.to_string()})
                }
                Verdict::Untrusted { id, city } => json!({
                    "line": line,
                    "status": "untrusted",
                    "id": id.to_string(),
                    "city": city.to_string(),
                }),
            })
            .collect();
        output::json(&json!({
            "file": label,
            "accepted": accepted,
            "duplicates": duplicates,
            "rejected": rejected,
            "untrusted": untrusted,
            "items": items,
        }))?;
    } else {
        for (line, verdict) in numbers.iter().zip(&report.verdicts) {
            match verdict {
                Verdict::Rejected(reason) => output::line(&messages.with(
                    "import-rejected-line",
                    &[
                        ("file", &label),
                        ("line", line),
                        ("reason", &crate::reasons::entry_error(messages, reason)),
                    ],
                )),
                Verdict::Untrusted { city, .. } => output::line(&messages.with(
                    "import-untrusted-line",
                    &[("file", &label), ("line", line), ("city", city)],
                )),
                Verdict::Accepted(_) | Verdict::Duplicate(_) => {}
            }
        }
        output::line(&messages.with(
            "import-summary",
            &[
                ("accepted", &accepted),
                ("duplicates", &duplicates),
                ("rejected", &rejected),
                ("untrusted", &untrusted),
            ],
        ));
    }
    if let Some(e) = read_error {
        return Err(
            Failure::because(messages, "read-failed", format!("{label}: {e}"))
                .hint(messages.get("hint-path")),
        );
    }
    if rejected > 0 {
        let failure = Failure::new(messages.with("import-some-rejected", &[("n", &rejected)]));
        return Err(if untrusted > 0 {
            failure
                .details(untrusted_details(messages, &report))
                .detail(trust_hint(messages, &report))
                .hint(messages.get("hint-rejected"))
        } else {
            failure.hint(messages.get("hint-rejected"))
        });
    }
    if untrusted > 0 {
        return Err(
            Failure::new(messages.with("import-some-untrusted", &[("n", &untrusted)]))
                .details(untrusted_details(messages, &report))
                .hint(trust_hint(messages, &report)),
        );
    }
    Ok(())
}

/// The untrusted cities of a report, each with how many of its entries were refused.
fn untrusted_cities(report: &Report) -> BTreeMap<PublicKey, usize> {
    let mut cities = BTreeMap::new();
    for verdict in &report.verdicts {
        if let Verdict::Untrusted { city, .. } = verdict {
            *cities.entry(*city).or_insert(0) += 1;
        }
    }
    cities
}

/// One line per untrusted city: its key and how many entries were refused.
fn untrusted_details(messages: &Messages, report: &Report) -> Vec<String> {
    untrusted_cities(report)
        .iter()
        .map(|(city, n)| messages.with("import-untrusted-city", &[("city", city), ("n", n)]))
        .collect()
}

/// How to trust the refused city (its key, when there is one), then import again.
fn trust_hint(messages: &Messages, report: &Report) -> String {
    let cities = untrusted_cities(report);
    match cities.keys().next() {
        Some(city) if cities.len() == 1 => messages.with("hint-trust-add", &[("city", city)]),
        _ => messages.get("hint-trust-add-many"),
    }
}
