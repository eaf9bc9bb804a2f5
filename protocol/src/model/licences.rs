//! The SPDX licence ids an entry (or an attachment, or a dataset) may be published under.
//!
//! The list is embedded and closed so that every node gives the same verdict, and so that a
//! licence can be filtered on by its exact id: ids are compared with their SPDX spelling, and a
//! spelling that differs only by case is refused with the right one suggested.

/// The accepted SPDX ids: open-content, open-data and common open-source licences.
pub const LICENCES: &[&str] = &[
    // Creative Commons
    "CC-BY-4.0",
    "CC-BY-SA-4.0",
    "CC0-1.0",
    "CC-BY-NC-4.0",
    "CC-BY-NC-SA-4.0",
    "CC-BY-ND-4.0",
    "CC-BY-NC-ND-4.0",
    "CC-BY-3.0",
    "CC-BY-SA-3.0",
    "CC-BY-3.0-IGO",
    "CC-PDDC",
    // Open data
    "ODbL-1.0",
    "ODC-By-1.0",
    "PDDL-1.0",
    "etalab-2.0",
    "OGL-UK-3.0",
    "OGL-Canada-2.0",
    "DL-DE-BY-2.0",
    "DL-DE-ZERO-2.0",
    "NLOD-2.0",
    "CDLA-Permissive-2.0",
    "CDLA-Sharing-1.0",
    // Software and documentation
    "MIT",
    "Apache-2.0",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "MPL-2.0",
    "EUPL-1.2",
    "GPL-3.0-only",
    "GPL-3.0-or-later",
    "AGPL-3.0-only",
    "AGPL-3.0-or-later",
    "LGPL-3.0-only",
    "LGPL-3.0-or-later",
    "GFDL-1.3-or-later",
    "Unlicense",
];

/// The ids named in error messages as examples.
pub const COMMON_LICENCES: &[&str] = &[
    "CC-BY-4.0",
    "CC-BY-SA-4.0",
    "CC0-1.0",
    "ODbL-1.0",
    "etalab-2.0",
];

/// Whether `id` is an accepted SPDX id, spelled exactly.
pub fn is_licence(id: &str) -> bool {
    LICENCES.contains(&id)
}

/// The accepted id that `id` spells with another case (`cc-by-4.0` → `CC-BY-4.0`).
pub fn licence_spelled(id: &str) -> Option<&'static str> {
    LICENCES
        .iter()
        .copied()
        .find(|known| known.eq_ignore_ascii_case(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_spelled_as_spdx() {
        for (i, a) in LICENCES.iter().enumerate() {
            assert!(
                !LICENCES[i + 1..].iter().any(|b| b.eq_ignore_ascii_case(a)),
                "{a}"
            );
        }
        assert!(COMMON_LICENCES.iter().all(|id| is_licence(id)));
        assert!(is_licence("etalab-2.0"));
        assert!(!is_licence("Etalab-2.0"));
        assert_eq!(licence_spelled("dl-de-by-2.0"), Some("DL-DE-BY-2.0"));
        assert_eq!(licence_spelled("odbl-1.0"), Some("ODbL-1.0"));
        assert_eq!(licence_spelled("CC BY"), None);
    }
}
