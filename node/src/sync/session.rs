//! One sync session, run by the side that pulls.

use std::time::{Duration, Instant};

use audacities_protocol::Id;
use audacities_protocol::reconcile::{Initiator, ReconcileError, Set};
use libp2p::PeerId;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::Context;
use super::wire::{MAX_FETCH_IDS, Request, Response};
use crate::ingest::{self, IngestError, Report, Verdict};
use crate::net::NetError;
use crate::store::StoreError;

/// Most reconciliation round trips in one session before giving up (a peer that never ends).
const MAX_ROUNDS: usize = 64;
/// Fetched batches waiting to be ingested while the next is being fetched.
const FETCH_AHEAD: usize = 2;
/// Fetched batches being ingested at once.
const INGESTS_IN_FLIGHT: usize = 2;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Net(#[from] NetError),
    #[error("peer {peer}: {reason}")]
    Peer { peer: PeerId, reason: String },
    #[error("reconciliation: {0}")]
    Reconcile(#[from] ReconcileError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Internal(String),
}

/// What a session did.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Entries stored.
    pub received: u64,
    pub duplicates: u64,
    /// Refused as invalid (forged, malformed, …).
    pub rejected: u64,
    /// Refused because their city is not trusted here.
    pub untrusted: u64,
    /// Entries this node has that the peer lacks (it pulls them in its own session).
    pub peer_lacks: u64,
    pub rounds: usize,
    /// Bytes received and sent in requests and answers (payloads).
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub duration: Duration,
}

/// Pulls from `peer` what this node lacks.
pub async fn run(ctx: &Context, peer: PeerId) -> Result<Outcome, SyncError> {
    let started = Instant::now();
    let mut outcome = Outcome::default();

    match ctx
        .network
        .request(peer, Request::Hello(Box::new(ctx.hello_now())))
        .await?
    {
        Response::Hello(hello) => ctx.remember_hello(peer, *hello),
        other => return Err(unexpected(peer, &other)),
    }

    let stored = ctx.set().await?;
    // First the sketch: one round trip when the difference is small. A difference too large
    // to decode (or a peer that cannot answer it) falls back to negentropy, range by range.
    let sketch = stored.sketch.to_bytes();
    let sent = sketch.len() as u64;
    let by_sketch = match ctx.network.request(peer, Request::Sketch(sketch)).await {
        Ok(Response::Sketch { need, peer_lacks }) => Some((need, peer_lacks)),
        Ok(Response::Refused(reason)) => {
            tracing::debug!(%peer, "sketch refused ({reason}): reconciling range by range");
            None
        }
        Ok(other) => return Err(unexpected(peer, &other)),
        Err(e) => {
            tracing::debug!(%peer, "sketch failed ({e}): reconciling range by range");
            None
        }
    };
    outcome.bytes_out += sent;
    outcome.rounds = 1;
    let need = match by_sketch {
        Some((need, peer_lacks)) => {
            outcome.peer_lacks = peer_lacks;
            outcome.bytes_in += 32 * need.len() as u64 + 8;
            need
        }
        None => reconcile(ctx, peer, &stored.set, &mut outcome).await?,
    };
    let need = ctx.unwanted(need);

    if !need.is_empty() {
        let (batches_tx, batches_rx) = mpsc::channel(FETCH_AHEAD);
        let (fetched, ingested) = tokio::join!(
            fetch(ctx, peer, need, batches_tx),
            ingest_batches(ctx, peer, batches_rx)
        );
        let ingested = ingested?;
        outcome.received = ingested.received;
        outcome.duplicates = ingested.duplicates;
        outcome.rejected = ingested.rejected;
        outcome.untrusted = ingested.untrusted;
        outcome.bytes_in += fetched?;
    }
    outcome.duration = started.elapsed();
    Ok(outcome)
}

/// Negentropy, round by round: the ids this node needs.
async fn reconcile(
    ctx: &Context,
    peer: PeerId,
    set: &Set,
    outcome: &mut Outcome,
) -> Result<Vec<Id>, SyncError> {
    // The initiator owns its copy of the cached set.
    let mut initiator = Initiator::new(set.clone())?;
    let mut message = initiator.start()?;
    loop {
        if initiator.rounds() >= MAX_ROUNDS {
            return Err(SyncError::Peer {
                peer,
                reason: format!("reconciliation not done after {MAX_ROUNDS} rounds"),
            });
        }
        outcome.bytes_out += message.len() as u64;
        let reply = match ctx
            .network
            .request(peer, Request::Reconcile(message))
            .await?
        {
            Response::Reconcile(reply) => reply,
            other => return Err(unexpected(peer, &other)),
        };
        outcome.bytes_in += reply.len() as u64;
        match initiator.step(&reply)? {
            Some(next) => message = next,
            None => break,
        }
    }
    outcome.rounds += initiator.rounds();
    outcome.peer_lacks = initiator.have().len() as u64;
    Ok(initiator.need().to_vec())
}

fn unexpected(peer: PeerId, response: &Response) -> SyncError {
    let reason = match response {
        Response::Refused(reason) => format!("refused: {reason}"),
        _ => "answered out of protocol".to_owned(),
    };
    SyncError::Peer { peer, reason }
}

/// Asks for `need` in batches, handing each batch of wire lines on. Returns the bytes received.
async fn fetch(
    ctx: &Context,
    peer: PeerId,
    need: Vec<Id>,
    batches: mpsc::Sender<Vec<Vec<u8>>>,
) -> Result<u64, SyncError> {
    let mut bytes = 0u64;
    for chunk in need.chunks(MAX_FETCH_IDS) {
        let mut remaining = chunk.to_vec();
        while !remaining.is_empty() {
            let asked = remaining.len();
            let response = ctx
                .network
                .request(peer, Request::Fetch(remaining.clone()))
                .await?;
            let (lines, served) = match response {
                Response::Entries { lines, served } => (lines, served as usize),
                other => return Err(unexpected(peer, &other)),
            };
            if served == 0 || served > asked || lines.len() > served {
                return Err(SyncError::Peer {
                    peer,
                    reason: format!(
                        "answered {} entries, {served} served, for {asked} asked",
                        lines.len()
                    ),
                });
            }
            remaining.drain(..served);
            let lines: Vec<Vec<u8>> = lines.into_iter().map(|b| b.into_vec()).collect();
            bytes += lines.iter().map(|l| l.len() as u64).sum::<u64>();
            if !lines.is_empty() && batches.send(lines).await.is_err() {
                // The ingesting side stopped on an error; it reports it.
                return Ok(bytes);
            }
        }
    }
    Ok(bytes)
}

#[derive(Default)]
struct Ingested {
    received: u64,
    duplicates: u64,
    rejected: u64,
    untrusted: u64,
}

async fn ingest_batches(
    ctx: &Context,
    peer: PeerId,
    mut batches: mpsc::Receiver<Vec<Vec<u8>>>,
) -> Result<Ingested, SyncError> {
    let mut totals = Ingested::default();
    // Two batches in flight: while one is being written, the next is being verified, so both
    // cores work (one at a time left them idle a third of the time). Batches may commit in
    // any order: each entry stands on its own.
    let mut in_flight = JoinSet::new();
    while let Some(lines) = batches.recv().await {
        if in_flight.len() >= INGESTS_IN_FLIGHT
            && let Some(done) = in_flight.join_next().await
        {
            tally(ctx, peer, done, &mut totals)?;
        }
        let store = ctx.store.clone();
        let policy = ctx.policy.clone();
        // Read before the ingest takes its snapshot of the policy (see `Unwanted`).
        let generation = ctx.trust_generation();
        in_flight.spawn_blocking(move || {
            let report = ingest::ingest(&store, &policy, lines.into_iter().map(Ok));
            (generation, report)
        });
    }
    while let Some(done) = in_flight.join_next().await {
        tally(ctx, peer, done, &mut totals)?;
    }
    Ok(totals)
}

fn tally(
    ctx: &Context,
    peer: PeerId,
    done: Result<(u64, Result<Report, IngestError>), tokio::task::JoinError>,
    totals: &mut Ingested,
) -> Result<(), SyncError> {
    let (generation, report) = done.map_err(|e| SyncError::Internal(e.to_string()))?;
    let report = report.map_err(|e| SyncError::Store(e.source))?;
    ctx.count_refusals(&report);
    let mut added = false;
    for verdict in report.verdicts {
        match verdict {
            Verdict::Accepted(_) => {
                totals.received += 1;
                added = true;
            }
            Verdict::Duplicate(_) => totals.duplicates += 1,
            Verdict::Rejected(reason) => {
                totals.rejected += 1;
                tracing::warn!(%peer, "entry rejected: {reason}");
            }
            Verdict::Untrusted { id, .. } => {
                totals.untrusted += 1;
                ctx.refuse(id, generation);
            }
        }
    }
    if added {
        ctx.changed();
    }
    Ok(())
}
