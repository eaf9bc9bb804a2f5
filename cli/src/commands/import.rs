//! `audacities import FILE`: verifies each line of a bundle through the one ingest function and
//! reports accepted / duplicate / rejected, with the reason for each rejection. A bad line
//! never stops the others.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;

use audacities_node::bundle::Reader;
use audacities_node::ingest::{self, Verdict};
use serde_json::{Value, json};

use crate::commands::{open_home, store_failure};
use crate::failure::Failure;
use crate::i18n::Messages;
use crate::output;

#[derive(clap::Args)]
pub struct Args {
    /// A bundle file (one signed entry per line); - reads stdin. — Paquet à importer.
    file: PathBuf,
    /// Print the report as JSON: totals and one item per line of the bundle.
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
    let report = match ingest::ingest(home.store(), items) {
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

    let (accepted, duplicates, rejected) =
        (report.accepted(), report.duplicates(), report.rejected());
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
            })
            .collect();
        output::json(&json!({
            "file": label,
            "accepted": accepted,
            "duplicates": duplicates,
            "rejected": rejected,
            "items": items,
        }))?;
    } else {
        for (line, verdict) in numbers.iter().zip(&report.verdicts) {
            if let Verdict::Rejected(reason) = verdict {
                output::line(&messages.with(
                    "import-rejected-line",
                    &[
                        ("file", &label),
                        ("line", line),
                        ("reason", &crate::reasons::entry_error(messages, reason)),
                    ],
                ));
            }
        }
        output::line(&messages.with(
            "import-summary",
            &[
                ("accepted", &accepted),
                ("duplicates", &duplicates),
                ("rejected", &rejected),
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
        return Err(
            Failure::new(messages.with("import-some-rejected", &[("n", &rejected)]))
                .hint(messages.get("hint-rejected")),
        );
    }
    Ok(())
}
