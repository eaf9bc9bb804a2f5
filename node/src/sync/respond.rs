//! Answering a peer's sync requests. Stateless: each request is answered from the store alone.

use audacities_protocol::reconcile;
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
            Response::Hello(Box::new(ctx.hello.clone()))
        }
        Request::Reconcile(message) => {
            let set = match ctx.set().await {
                Ok(set) => set,
                Err(e) => return refused(peer, e),
            };
            let answer =
                tokio::task::spawn_blocking(move || reconcile::respond(&set, &message)).await;
            match answer {
                Ok(Ok(reply)) => Response::Reconcile(reply),
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
