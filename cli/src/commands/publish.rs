//! `audacities publish FILE...`: validate every draft, sign each with the city key, and store
//! them through the one ingest function, in one batch. All or nothing: if any draft is invalid,
//! every problem of every file is shown and nothing is stored.

use std::io::Read;
use std::path::{Path, PathBuf};

use audacities_node::ingest::Verdict;
use audacities_node::time::now_ms;
use audacities_protocol::Body;
use audacities_protocol::draft::{Draft, DraftError, Format};
use serde_json::{Value, json};

use crate::commands::{open_home, sign, submit};
use crate::failure::Failure;
use crate::i18n::Messages;
use crate::output;

#[derive(clap::Args)]
pub struct Args {
    /// Draft files: .toml, .json or .md (front matter between +++ or ---); - reads stdin.
    /// — Brouillons : .toml, .json ou .md ; - lit l'entrée standard.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Publish the file as a new version of this entry (id or prefix); only its city may.
    /// — Publier une nouvelle version de cette entrée.
    #[arg(long, value_name = "ID")]
    revises: Option<String>,
    /// Print one JSON object per entry: {"file", "id", "kind", "status"}.
    #[arg(long)]
    json: bool,
}

impl Args {
    /// Publish these files, as the demo does.
    pub fn files(files: Vec<PathBuf>) -> Self {
        Self {
            files,
            revises: None,
            json: false,
        }
    }
}

/// A draft read from a file, before validation.
struct Source {
    label: String,
    text: String,
    format: Format,
}

pub fn run(messages: &Messages, home: Option<PathBuf>, args: Args) -> Result<(), Failure> {
    let sources = read_sources(messages, &args.files)?;
    let home = open_home(messages, home)?;
    let licence = home.config().publish.licence.clone();

    let mut drafts = Vec::with_capacity(sources.len());
    let mut problems = Vec::new();
    for source in &sources {
        match parse(source, &licence) {
            Ok(draft) => drafts.push((source.label.clone(), draft)),
            Err(e) => problems.extend(e.problems.iter().map(|p| {
                format!(
                    "{}: {}: {}",
                    source.label,
                    p.path,
                    p.message(messages.lang())
                )
            })),
        }
    }
    if !problems.is_empty() {
        return Err(
            Failure::new(messages.with("publish-invalid", &[("n", &problems.len())]))
                .details(problems)
                .hint(messages.get("hint-schema")),
        );
    }

    let revises = match &args.revises {
        Some(_) if drafts.len() != 1 => {
            return Err(Failure::new(messages.get("revises-one-file")));
        }
        Some(id) => Some(crate::commands::revises(messages, &home, id)?),
        None => None,
    };
    let created = now_ms();
    let mut signed = Vec::with_capacity(drafts.len());
    for (label, draft) in &drafts {
        let body = Body::Draft(draft.clone());
        let entry = sign(messages, &home, body, created, revises.clone())
            .map_err(|f| f.prefixed(&format!("{label}{}", messages.colon())))?;
        signed.push(entry.bytes().to_vec());
    }
    let report = submit(messages, &home, signed)?;

    let mut published = 0;
    for ((label, draft), verdict) in drafts.iter().zip(&report.verdicts) {
        let (status, id) = match verdict {
            Verdict::Accepted(id) => {
                published += 1;
                ("published", id)
            }
            Verdict::Duplicate(id) => ("duplicate", id),
            Verdict::Rejected(reason) => {
                let reason = crate::reasons::entry_error(messages, reason);
                return Err(Failure::new(format!("{label}{}{reason}", messages.colon()))
                    .hint(messages.get("hint-verify")));
            }
            Verdict::Untrusted { city, .. } => {
                let reason = messages.with("reason-untrusted", &[("city", city)]);
                return Err(Failure::new(format!("{label}{}{reason}", messages.colon()))
                    .hint(messages.get("hint-verify")));
            }
        };
        if args.json {
            let line = json!({"file": label, "id": id.to_string(), "kind": draft.kind().as_str(), "status": status});
            output::line(&line.to_string());
        } else {
            let title = output::pick(
                draft.title(),
                crate::commands::reading_lang(messages),
                draft.lang(),
            );
            output::line(&format!("{id}  {label}  {}  {title}", draft.kind()));
        }
    }
    if !args.json {
        output::line(&messages.with("published", &[("n", &published)]));
    }
    Ok(())
}

fn parse(source: &Source, licence: &str) -> Result<Draft, DraftError> {
    let mut value = Draft::parse_value(&source.text, source.format)?;
    if let Value::Object(map) = &mut value {
        map.entry("licence")
            .or_insert_with(|| Value::String(licence.to_owned()));
    }
    Draft::from_value(value)
}

fn read_sources(messages: &Messages, files: &[PathBuf]) -> Result<Vec<Source>, Failure> {
    let mut sources = Vec::with_capacity(files.len());
    let mut stdin_used = false;
    for path in files {
        if path.as_os_str() == "-" {
            if stdin_used {
                return Err(
                    Failure::new(messages.get("stdin-twice")).hint(messages.get("hint-formats"))
                );
            }
            stdin_used = true;
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text).map_err(|e| {
                Failure::because(messages, "read-failed", format!("stdin: {e}"))
                    .hint(messages.get("hint-path"))
            })?;
            let format = Format::sniff(&text);
            sources.push(Source {
                label: "stdin".to_owned(),
                text,
                format,
            });
            continue;
        }
        let label = path.display().to_string();
        let format = format_of(path).ok_or_else(|| {
            Failure::new(messages.with("unknown-format", &[("file", &label)]))
                .hint(messages.get("hint-formats"))
        })?;
        let text = std::fs::read_to_string(path).map_err(|e| {
            Failure::because(messages, "read-failed", format!("{label}: {e}"))
                .hint(messages.get("hint-path"))
        })?;
        sources.push(Source {
            label,
            text,
            format,
        });
    }
    Ok(sources)
}

fn format_of(path: &Path) -> Option<Format> {
    path.extension()
        .and_then(|e| e.to_str())
        .and_then(Format::from_extension)
}
