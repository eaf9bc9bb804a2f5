//! Printing: readable tables for people, and `--json` that is stable and alone on stdout.

use std::collections::BTreeMap;
use std::io::Write;

use audacities_node::time::format_utc;
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use serde::Serialize;

use crate::failure::Failure;

/// Prints a value as pretty JSON on stdout.
pub fn json(value: &impl Serialize) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Failure::new(e.to_string()))?;
    line(&text);
    Ok(())
}

/// Prints one line on stdout, ignoring a closed pipe (`audacities list | head`).
pub fn line(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}");
}

/// A table with the given header, sized to the terminal.
pub fn table(header: Vec<String>) -> Table {
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header);
    table
}

/// The text of a multilingual field in the preferred language, else the original, else any.
pub fn pick<'a>(texts: &'a BTreeMap<String, String>, preferred: &str, original: &str) -> &'a str {
    texts
        .get(preferred)
        .or_else(|| texts.get(original))
        .or_else(|| texts.values().next())
        .map(String::as_str)
        .unwrap_or("")
}

/// A short date for tables (`2026-11-25 21:35`).
pub fn short_time(ms: u64) -> String {
    let full = format_utc(ms);
    full.get(..16).unwrap_or(&full).replace('T', " ")
}

/// The first characters of an id, as people type it.
pub fn short_id(id: &impl ToString) -> String {
    let text = id.to_string();
    text.get(..12).unwrap_or(&text).to_owned()
}
