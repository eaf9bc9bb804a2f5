//! Answering a peer's sync requests. Stateless: each request is answered from the store alone.

use audacities_protocol::reconcile;
use audacities_protocol::sketch::Sketch;
use libp2p::PeerId;

use super::Context;
use super::wire::{MAX_ENTRIES_BYTES, MAX_FETCH_IDS, Request, Response};

/// The answer to one request. Never fails: a request that cannot be served gets
/// [`Response::Refused`] with the reason.
pub async fn answer(ctx: &Context, peer: PeerId, request: Request) -> Response {
    match request {
        Request::Hello(hello) => {
            tracing::debug!(%peer, city = %hello.city, name = %hello.name, "hello");
            ctx.remember_hello(peer, *hello);
            Response::Hello(Box::new(ctx.hello_now()))
        }
        Request::Reconcile(message) => {
            let set = match ctx.set().await {
                Ok(set) => set,
                Err(e) => return refused(peer, e),
            };
            let answer =
                tokio::task::spawn_blocking(move || reconcile::respond(&set.set, &message)).await;
            match answer {
                Ok(Ok(reply)) => Response::Reconcile(reply),
                Ok(Err(e)) => refused(peer, e),
                Err(e) => refused(peer, e),
            }
        }
        Request::Sketch(bytes) => {
            let theirs = match Sketch::from_bytes(&bytes) {
                Ok(sketch) => sketch,
                Err(e) => return refused(peer, e),
            };
            let stored = match ctx.set().await {
                Ok(stored) => stored,
                Err(e) => return refused(peer, e),
            };
            // Initiator's minus ours: `ours` are the initiator's ids we lack, `theirs` ours.
            let difference = match theirs.subtract(&stored.sketch) {
                Ok(d) => d,
                Err(e) => return refused(peer, e),
            };
            // A decoded difference must agree with the store (else it was not a sketch of a
            // set): what we are to offer is here, what the initiator has is not.
            let offered = difference.theirs.clone();
            let claimed = difference.ours.clone();
            let store = ctx.store.clone();
            let agrees = tokio::task::spawn_blocking(move || {
                Ok::<_, crate::store::StoreError>(
                    store.contains_many(offered)?.into_iter().all(|here| here)
                        && !store.contains_many(claimed)?.into_iter().any(|here| here),
                )
            })
            .await;
            match agrees {
                Ok(Ok(true)) => Response::Sketch {
                    need: difference.theirs,
                    peer_lacks: difference.ours.len() as u64,
                },
                Ok(Ok(false)) => refused(peer, "the sketch's difference disagrees with the store"),
                Ok(Err(e)) => refused(peer, e),
                Err(e) => refused(peer, e),
            }
        }
        Request::Fetch(ids) => {
            if ids.len() > MAX_FETCH_IDS {
                return refused(
                    peer,
                    format!("{} ids asked, at most {MAX_FETCH_IDS}", ids.len()),
                );
            }
            let asked = ids.clone();
            let store = ctx.store.clone();
            let found = match tokio::task::spawn_blocking(move || store.raw_many(ids)).await {
                Ok(Ok(found)) => found,
                Ok(Err(e)) => return refused(peer, e),
                Err(e) => return refused(peer, e),
            };
            // `found` follows the asked order, skipping what is not stored.
            let mut found = found.into_iter().peekable();
            let mut total = 0;
            let mut lines = Vec::new();
            let mut served = 0u32;
            for id in asked {
                if let Some((_, bytes)) = found.next_if(|(f, _)| *f == id) {
                    if total + bytes.len() > MAX_ENTRIES_BYTES && !lines.is_empty() {
                        break; // the peer asks again for the rest
                    }
                    total += bytes.len();
                    lines.push(serde_bytes::ByteBuf::from(bytes));
                }
                served += 1;
            }
            Response::Entries { lines, served }
        }
    }
}

fn refused(peer: PeerId, reason: impl std::fmt::Display) -> Response {
    let reason = reason.to_string();
    tracing::debug!(%peer, "sync request refused: {reason}");
    Response::Refused(reason)
}
