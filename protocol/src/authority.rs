//! Who may speak for a city, when: the rule every node applies alike to the city's acts.
//!
//! A city is named by the key it was created with (`head.city`). That key speaks for it until
//! the city's first rotation; each rotation hands the city to a new key from the rotation's
//! creation time on. Staff keys speak for it through delegations: only for the delegation's
//! content kinds, from the delegation's creation time until its `until`, and never at or after
//! the `since` of a revocation of that key. Acts themselves (profile, delegation, revocation,
//! rotation) must be signed by the city key in force at their creation time; a staff key never
//! signs an act.
//!
//! The state is a pure function of the *set* of acts a node holds: [`Authority::from_acts`]
//! applies them in (creation time, id) order whatever order they arrived in, ignoring the ones
//! not signed by the key then in force. Two nodes holding the same acts give every entry the
//! same verdict. Entries are judged by their `created` time as signed: a key that leaks can
//! still sign entries dated before its revocation — the price of accepting honest entries that
//! reach a node late.

use crate::act::{Act, ActKind, CityProfile, Delegation};
use crate::entry::{Body, Entry, Header};
use crate::id::Id;
use crate::key::PublicKey;
use crate::model::Kind;

/// Why a key may not speak for a city at an entry's time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unauthorized {
    #[error(
        "head.signer: {signer} does not speak for city {city} at {created} ms: no delegation from the city is known for this key"
    )]
    NoDelegation {
        signer: Box<PublicKey>,
        city: Box<PublicKey>,
        created: u64,
    },
    #[error(
        "head.kind: the delegation of {signer} by city {city} does not cover {kind:?} (it covers {covered})"
    )]
    KindNotDelegated {
        signer: Box<PublicKey>,
        city: Box<PublicKey>,
        kind: String,
        covered: String,
    },
    #[error("head.created: {created} ms is before the delegation of {signer} begins ({from} ms)")]
    DelegationNotYetValid {
        signer: Box<PublicKey>,
        created: u64,
        from: u64,
    },
    #[error("head.created: {created} ms is after the delegation of {signer} ended ({until} ms)")]
    DelegationExpired {
        signer: Box<PublicKey>,
        created: u64,
        until: u64,
    },
    #[error(
        "head.signer: {signer} was revoked by its city since {since} ms; this entry is dated {created} ms"
    )]
    Revoked {
        signer: Box<PublicKey>,
        since: u64,
        created: u64,
    },
    #[error(
        "head.signer: {signer} no longer speaks for city {city}: the city moved to another key at {rotated} ms, before this entry ({created} ms)"
    )]
    Rotated {
        signer: Box<PublicKey>,
        city: Box<PublicKey>,
        rotated: u64,
        created: u64,
    },
    #[error(
        "head.signer: a {kind} act must be signed by the city's key in force at its time, not by a staff key or any other key"
    )]
    ActNotByCity { kind: String },
    /// A new version names a document or version the node does not hold (yet).
    #[error(
        "head.revises: {id} is not an entry this node holds (yet); the version is taken once it is"
    )]
    UnknownVersion { id: Id },
    #[error("head.revises.prev: {id} is not a version of document {doc}")]
    NotAVersionOf { id: Id, doc: Id },
    #[error("head.revises.doc: {doc} is itself a later version; name the document's first version")]
    NotADocument { doc: Id },
    #[error(
        "head.revises.doc: document {doc} belongs to city {owner}; only that city (its key or its delegates) may revise it"
    )]
    ForeignRevision { doc: Id, owner: Box<PublicKey> },
    #[error("body.doc: document {doc} belongs to city {owner}; only that city may retract it")]
    ForeignRetraction { doc: Id, owner: Box<PublicKey> },
    #[error("head.kind: document {doc} is a {kind}; its versions keep that kind")]
    KindChanged { doc: Id, kind: String },
    #[error(
        "head: document {doc} was retracted by its city; its versions are erased and never taken again"
    )]
    Retracted { doc: Id },
}

/// One key the city has had, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CityKey {
    pub key: PublicKey,
    pub from: u64,
    /// When the city rotated away from it (exclusive); `None` for the current key.
    pub until: Option<u64>,
}

/// One delegation the city made, with what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The delegation act's id.
    pub id: Id,
    pub delegate: PublicKey,
    pub kinds: Vec<Kind>,
    pub label: Option<String>,
    /// The delegation's creation time.
    pub from: u64,
    pub until: u64,
    /// The earliest `since` of the revocations of this key, if any.
    pub revoked_since: Option<u64>,
}

/// Where a grant stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantState {
    /// Its `from` is later than the moment.
    NotYet,
    Active,
    Expired,
    Revoked,
}

impl Grant {
    pub fn state_at(&self, t: u64) -> GrantState {
        if self.revoked_since.is_some_and(|since| since <= t) {
            GrantState::Revoked
        } else if t < self.from {
            GrantState::NotYet
        } else if t > self.until {
            GrantState::Expired
        } else {
            GrantState::Active
        }
    }
}

/// Who speaks for one city: its keys over time, its delegations, and its latest profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authority {
    city: PublicKey,
    keys: Vec<CityKey>,
    grants: Vec<Grant>,
    /// (delegate, since): every revocation applied, also of keys not (yet) delegated.
    revocations: Vec<(PublicKey, u64)>,
    profile: Option<(u64, Id, CityProfile)>,
}

/// What an entry is, as the rule sees it: content of a kind, or an act.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    Content(Kind),
    Act(ActKind),
}

impl Body {
    pub fn body_kind(&self) -> BodyKind {
        match self {
            Body::Draft(d) => BodyKind::Content(d.kind()),
            Body::Act(a) => BodyKind::Act(a.kind()),
        }
    }
}

/// Who signed an entry, for the city, once authorised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signer {
    /// The city's own key (first or rotated).
    City,
    /// A staff key, through this delegation.
    Staff { grant: Id, label: Option<String> },
}

impl Authority {
    /// A city with no act: its first key speaks for it, alone.
    pub fn new(city: PublicKey) -> Self {
        Self {
            city,
            keys: vec![CityKey {
                key: city,
                from: 0,
                until: None,
            }],
            grants: Vec::new(),
            revocations: Vec::new(),
            profile: None,
        }
    }

    /// The state given by a set of acts of `city` (other entries and other cities' acts are
    /// skipped), in any order.
    pub fn from_acts<'a>(city: PublicKey, acts: impl IntoIterator<Item = &'a Entry>) -> Self {
        let mut acts: Vec<&Entry> = acts
            .into_iter()
            .filter(|e| e.head().city == city && e.act().is_some())
            .collect();
        acts.sort_by_key(|e| (e.head().created, e.id()));
        let mut state = Self::new(city);
        for act in acts {
            // An act not signed by the key then in force changes nothing.
            let _ = state.apply(act);
        }
        state
    }

    pub fn city(&self) -> PublicKey {
        self.city
    }

    /// The city key in force at `t`.
    pub fn key_at(&self, t: u64) -> PublicKey {
        self.keys
            .iter()
            .rev()
            .find(|k| k.from <= t)
            .map_or(self.city, |k| k.key)
    }

    /// The key that speaks for the city now (after every rotation applied).
    pub fn current_key(&self) -> PublicKey {
        self.keys.last().map_or(self.city, |k| k.key)
    }

    pub fn keys(&self) -> &[CityKey] {
        &self.keys
    }

    pub fn grants(&self) -> &[Grant] {
        &self.grants
    }

    /// The latest profile: (its creation time, its id, the profile).
    pub fn profile(&self) -> Option<&(u64, Id, CityProfile)> {
        self.profile.as_ref()
    }

    /// Whether `head`'s signer may speak for its city with an entry of this body's kind at
    /// `head.created`; for a staff key, through which delegation.
    pub fn check(&self, head: &Header, body: &Body) -> Result<Signer, Unauthorized> {
        self.check_signer(&head.signer, head.created, body.body_kind())
    }

    /// [`Authority::check`] from the header's parts: `signer` signing `what` at `t`.
    pub fn check_signer(
        &self,
        signer: &PublicKey,
        t: u64,
        what: BodyKind,
    ) -> Result<Signer, Unauthorized> {
        if let Some(key) = self.keys.iter().find(|k| k.key == *signer) {
            if key.from <= t && key.until.is_none_or(|u| t < u) {
                return Ok(Signer::City);
            }
            if let Some(rotated) = key.until.filter(|u| t >= *u) {
                return Err(Unauthorized::Rotated {
                    signer: Box::new(*signer),
                    city: Box::new(self.city),
                    rotated,
                    created: t,
                });
            }
        }
        let kind = match what {
            BodyKind::Act(act) => {
                return Err(Unauthorized::ActNotByCity {
                    kind: act.as_str().into(),
                });
            }
            BodyKind::Content(kind) => kind,
        };
        if let Some(since) = self.revoked_since(signer)
            && since <= t
        {
            return Err(Unauthorized::Revoked {
                signer: Box::new(*signer),
                since,
                created: t,
            });
        }
        let mine: Vec<&Grant> = self
            .grants
            .iter()
            .filter(|g| g.delegate == *signer)
            .collect();
        if mine.is_empty() {
            return Err(Unauthorized::NoDelegation {
                signer: Box::new(*signer),
                city: Box::new(self.city),
                created: t,
            });
        }
        let covering: Vec<&&Grant> = mine.iter().filter(|g| g.kinds.contains(&kind)).collect();
        if covering.is_empty() {
            let mut covered: Vec<&str> = mine
                .iter()
                .flat_map(|g| g.kinds.iter().map(|k| k.as_str()))
                .collect();
            covered.sort_unstable();
            covered.dedup();
            return Err(Unauthorized::KindNotDelegated {
                signer: Box::new(*signer),
                city: Box::new(self.city),
                kind: kind.as_str().into(),
                covered: covered.join(", "),
            });
        }
        match covering
            .iter()
            .find(|g| g.state_at(t) == GrantState::Active)
        {
            Some(g) => Ok(Signer::Staff {
                grant: g.id,
                label: g.label.clone(),
            }),
            // Every covering grant is expired, revoked or not yet valid: say the first.
            None => match covering.iter().find(|g| t < g.from) {
                Some(g) => Err(Unauthorized::DelegationNotYetValid {
                    signer: Box::new(*signer),
                    created: t,
                    from: g.from,
                }),
                None => Err(Unauthorized::DelegationExpired {
                    signer: Box::new(*signer),
                    created: t,
                    until: covering.iter().map(|g| g.until).max().unwrap_or_default(),
                }),
            },
        }
    }

    /// Applies one act of this city, if the key in force at its creation time signed it.
    pub fn apply(&mut self, entry: &Entry) -> Result<(), Unauthorized> {
        let Some(act) = entry.act() else {
            return Ok(());
        };
        let head = entry.head();
        if head.city != self.city {
            return Ok(());
        }
        let t = head.created;
        if self.key_at(t) != head.signer {
            // Reuse the rule's wording: a rotated-away key, or a key that never was the city's.
            self.check(head, entry.body())?;
            return Err(Unauthorized::ActNotByCity {
                kind: act.kind().as_str().into(),
            });
        }
        match act {
            Act::CityProfile(p) => {
                let newer = self
                    .profile
                    .as_ref()
                    .is_none_or(|(at, id, _)| (t, entry.id()) > (*at, *id));
                if newer {
                    self.profile = Some((t, entry.id(), p.clone()));
                }
            }
            Act::Delegation(d) => {
                self.grants
                    .push(grant(entry.id(), d, t, self.revoked_since(&d.delegate)))
            }
            Act::Revocation(r) => {
                self.revocations.push((r.key, r.since));
                let since = self.revoked_since(&r.key);
                for g in self.grants.iter_mut().filter(|g| g.delegate == r.key) {
                    g.revoked_since = since;
                }
            }
            // What these do is erasure, not authority: the store applies them.
            Act::Retraction(_)
            | Act::ErasureReceipt(_)
            | Act::Endorsement(_)
            | Act::Vouch(_)
            | Act::Translation(_) => {}
            Act::Rotation(r) => {
                // Acts are applied in time order, so the rotating key is the last one.
                if self.keys.iter().any(|k| k.key == r.new_key) {
                    return Ok(()); // never back to a key the city already had
                }
                if let Some(last) = self.keys.last_mut() {
                    last.until = Some(t);
                }
                self.keys.push(CityKey {
                    key: r.new_key,
                    from: t,
                    until: None,
                });
            }
        }
        Ok(())
    }

    fn revoked_since(&self, key: &PublicKey) -> Option<u64> {
        self.revocations
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, since)| *since)
            .min()
    }
}

fn grant(id: Id, d: &Delegation, from: u64, revoked_since: Option<u64>) -> Grant {
    Grant {
        id,
        delegate: d.delegate,
        kinds: d.content_kinds(),
        label: d.label.clone(),
        from,
        until: d.until,
        revoked_since,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::act::{Revocation, Rotation};
    use crate::draft::Format;
    use crate::key::SecretKey;
    use crate::{Draft, Entry};

    const DAY: u64 = 86_400_000;

    fn secret(seed: u8) -> SecretKey {
        SecretKey::from_bytes([seed; 32])
    }

    fn draft(kind: &str) -> Draft {
        let text = match kind {
            "method" => {
                "kind = \"method\"\nlang = \"fr\"\nlicence = \"CC-BY-4.0\"\nmethod_type = \"survey\"\n\
                 themes = [\"housing\"]\n[title]\nfr = \"Enquête\"\n[purpose]\nfr = \"Comprendre.\"\n\
                 [[steps]]\nfr = \"Demander.\"\n"
            }
            _ => include_str!("../../examples/12-skill-en.toml"),
        };
        Draft::parse(text, Format::Toml).unwrap()
    }

    fn act(act: Act, key: &SecretKey, city: &SecretKey, t: u64) -> Entry {
        Entry::sign_for(Body::Act(act), key, city.public(), t, None).unwrap()
    }

    fn content(kind: &str, key: &SecretKey, city: &SecretKey, t: u64) -> Entry {
        Entry::sign_for(Body::Draft(draft(kind)), key, city.public(), t, None).unwrap()
    }

    fn delegation(staff: &SecretKey, kinds: &[&str], until: u64) -> Act {
        Act::Delegation(Delegation {
            delegate: staff.public(),
            kinds: kinds.iter().map(|k| (*k).to_owned()).collect(),
            until,
            label: Some("Service innovation".into()),
        })
    }

    fn verdict(state: &Authority, e: &Entry) -> Result<Signer, Unauthorized> {
        state.check(e.head(), e.body())
    }

    #[test]
    fn a_staff_key_speaks_for_its_city_within_kinds_and_dates_only() {
        let (city, staff) = (secret(1), secret(2));
        let d = act(delegation(&staff, &["method"], 10 * DAY), &city, &city, DAY);
        let state = Authority::from_acts(city.public(), [&d]);
        let ok = content("method", &staff, &city, 2 * DAY);
        assert_eq!(
            verdict(&state, &ok).unwrap(),
            Signer::Staff {
                grant: d.id(),
                label: Some("Service innovation".into())
            }
        );
        assert!(matches!(
            verdict(&state, &content("skill", &staff, &city, 2 * DAY)),
            Err(Unauthorized::KindNotDelegated { .. })
        ));
        assert!(matches!(
            verdict(&state, &content("method", &staff, &city, DAY / 2)),
            Err(Unauthorized::DelegationNotYetValid { .. })
        ));
        assert!(matches!(
            verdict(&state, &content("method", &staff, &city, 11 * DAY)),
            Err(Unauthorized::DelegationExpired { .. })
        ));
        assert!(matches!(
            verdict(&state, &content("method", &secret(3), &city, 2 * DAY)),
            Err(Unauthorized::NoDelegation { .. })
        ));
        let staff_act = act(
            delegation(&secret(4), &["method"], 9 * DAY),
            &staff,
            &city,
            2 * DAY,
        );
        assert!(matches!(
            verdict(&state, &staff_act),
            Err(Unauthorized::ActNotByCity { .. })
        ));
    }

    #[test]
    fn a_revocation_refuses_what_the_key_signed_from_its_since_on() {
        let (city, staff) = (secret(1), secret(2));
        let d = act(delegation(&staff, &["method"], 30 * DAY), &city, &city, DAY);
        let r = act(
            Act::Revocation(Revocation {
                key: staff.public(),
                since: 5 * DAY,
            }),
            &city,
            &city,
            8 * DAY,
        );
        // Whatever order they arrived in.
        for state in [
            Authority::from_acts(city.public(), [&d, &r]),
            Authority::from_acts(city.public(), [&r, &d]),
        ] {
            assert!(verdict(&state, &content("method", &staff, &city, 4 * DAY)).is_ok());
            assert!(matches!(
                verdict(&state, &content("method", &staff, &city, 5 * DAY)),
                Err(Unauthorized::Revoked { .. })
            ));
            assert_eq!(state.grants()[0].state_at(6 * DAY), GrantState::Revoked);
        }
    }

    #[test]
    fn a_rotation_keeps_earlier_entries_and_refuses_the_old_key_after_it() {
        let (city, new) = (secret(1), secret(5));
        let rot = act(
            Act::Rotation(Rotation {
                new_key: new.public(),
            }),
            &city,
            &city,
            10 * DAY,
        );
        let state = Authority::from_acts(city.public(), [&rot]);
        assert_eq!(state.key_at(9 * DAY), city.public());
        assert_eq!(state.current_key(), new.public());
        assert!(verdict(&state, &content("skill", &city, &city, 9 * DAY)).is_ok());
        assert!(matches!(
            verdict(&state, &content("skill", &city, &city, 10 * DAY)),
            Err(Unauthorized::Rotated { .. })
        ));
        assert_eq!(
            verdict(&state, &content("skill", &new, &city, 11 * DAY)).unwrap(),
            Signer::City
        );
        // The new key delegates; the old one no longer can.
        let staff = secret(2);
        let by_new = act(
            delegation(&staff, &["skill"], 40 * DAY),
            &new,
            &city,
            12 * DAY,
        );
        let by_old = act(
            delegation(&secret(6), &["skill"], 40 * DAY),
            &city,
            &city,
            12 * DAY,
        );
        let state = Authority::from_acts(city.public(), [&by_old, &rot, &by_new]);
        assert_eq!(state.grants().len(), 1);
        assert_eq!(state.grants()[0].delegate, staff.public());
    }

    #[test]
    fn the_latest_profile_wins_whatever_the_order() {
        let city = secret(1);
        let profile = |name: &str, t| {
            act(
                Act::CityProfile(CityProfile {
                    name: name.into(),
                    country: "FR".into(),
                    website: None,
                    languages: vec![],
                    contact: None,
                }),
                &city,
                &city,
                t,
            )
        };
        let (old, new) = (profile("Lyon", DAY), profile("Ville de Lyon", 2 * DAY));
        for state in [
            Authority::from_acts(city.public(), [&old, &new]),
            Authority::from_acts(city.public(), [&new, &old]),
        ] {
            assert_eq!(state.profile().unwrap().2.name, "Ville de Lyon");
        }
    }
}
