//! What the CLI prints when a command fails: what went wrong (naming the file, field, id or
//! limit), the details, and what to do next — in the user's language.

use std::fmt::Display;

use crate::i18n::Messages;

/// A failed command, ready to be shown to a person.
#[derive(Debug)]
pub struct Failure {
    message: String,
    details: Vec<String>,
    hint: Option<String>,
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            details: Vec::new(),
            hint: None,
        }
    }

    /// A failure whose message is the translated `id` followed by the cause.
    pub fn because(messages: &Messages, id: &str, cause: impl Display) -> Self {
        Self::new(format!("{}{}{cause}", messages.get(id), messages.colon()))
    }

    /// The same failure, its message prefixed (with the file it concerns, …).
    pub fn prefixed(mut self, prefix: &str) -> Self {
        self.message = format!("{prefix}{}", self.message);
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.details.push(detail.into());
        self
    }

    pub fn details(mut self, details: impl IntoIterator<Item = String>) -> Self {
        self.details.extend(details);
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn print(&self, messages: &Messages) {
        eprintln!(
            "{}{}{}",
            messages.get("label-error"),
            messages.colon(),
            self.message
        );
        for detail in &self.details {
            eprintln!("  {detail}");
        }
        if let Some(hint) = &self.hint {
            eprintln!("{}{}{hint}", messages.get("label-hint"), messages.colon());
        }
    }
}
