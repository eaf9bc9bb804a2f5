//! The cloneable [`Store`] handle and the thread that owns the connection.
//!
//! Jobs are boxed closures sent over a bounded channel; each carries its own one-shot reply
//! channel. Sync callers block on the reply; async callers await it (`call_async`), so a slow
//! query never blocks an executor thread.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::{JoinHandle, ThreadId};
use std::time::{Duration, Instant};

use flume::RecvTimeoutError;
use rusqlite::Connection;

use super::error::StoreError;
use super::{index, schema};

/// How many jobs may wait for the store thread before senders block (or await).
const QUEUE: usize = 64;

/// The name of the thread that owns the connection (shown by debuggers, `top -H`, panics).
pub const THREAD_NAME: &str = "audacities-store";

type Job = Box<dyn FnOnce(&mut Connection) + Send + 'static>;

/// A handle to the commons database. Cheap to clone; every clone talks to the same thread.
/// When the last clone is dropped, the thread finishes the queued jobs, closes the file and is
/// joined, so reopening the same path right after a drop sees everything that was written.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    jobs: Option<flume::Sender<Job>>,
    thread: Mutex<Option<JoinHandle<()>>>,
    thread_id: ThreadId,
    path: PathBuf,
    read_only: bool,
}

impl Store {
    /// Opens (creating it if needed) the database at `path` for reading and writing, sets the
    /// pragmas and brings the schema up to date. The parent directory must exist.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let conn = schema::open_read_write(path)?;
        Self::spawn(conn, path, false)
    }

    /// Opens an existing database for reading only — for tools that read while a running node
    /// writes (WAL lets readers and one writer work at once). Refuses a schema version other
    /// than this program's; never creates or migrates anything.
    pub fn open_read_only(path: &Path) -> Result<Store, StoreError> {
        let conn = schema::open_read_only(path)?;
        Self::spawn(conn, path, true)
    }

    fn spawn(conn: Connection, path: &Path, read_only: bool) -> Result<Store, StoreError> {
        let (tx, rx) = flume::bounded::<Job>(QUEUE);
        let thread = std::thread::Builder::new()
            .name(THREAD_NAME.to_owned())
            .spawn(move || run(conn, rx, read_only))
            .map_err(|e| {
                tracing::error!("cannot start the store thread: {e}");
                StoreError::Closed
            })?;
        Ok(Store {
            inner: Arc::new(Inner {
                jobs: Some(tx),
                thread_id: thread.thread().id(),
                thread: Mutex::new(Some(thread)),
                path: path.to_path_buf(),
                read_only,
            }),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Whether this store was opened with [`Store::open_read_only`].
    pub fn is_read_only(&self) -> bool {
        self.inner.read_only
    }

    /// Runs `f` on the store thread with the connection and waits for its result.
    ///
    /// `f` must not call this store's methods (that would wait for itself: [`StoreError::Reentrant`]).
    /// If `f` panics, its open transaction is rolled back, the caller gets
    /// [`StoreError::Panicked`] and the thread carries on.
    pub fn call<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<R, StoreError> + Send + 'static,
    {
        let jobs = self.jobs()?;
        let (job, reply) = job(f);
        jobs.send(job).map_err(|_| StoreError::Closed)?;
        reply.recv().map_err(|_| StoreError::Closed)?
    }

    /// [`Store::call`] for async code: awaits room in the queue and the reply instead of
    /// blocking the executor's thread.
    pub async fn call_async<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<R, StoreError> + Send + 'static,
    {
        let jobs = self.jobs()?;
        let (job, reply) = job(f);
        jobs.send_async(job).await.map_err(|_| StoreError::Closed)?;
        reply.recv_async().await.map_err(|_| StoreError::Closed)?
    }

    fn jobs(&self) -> Result<&flume::Sender<Job>, StoreError> {
        if std::thread::current().id() == self.inner.thread_id {
            return Err(StoreError::Reentrant);
        }
        self.inner.jobs.as_ref().ok_or(StoreError::Closed)
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.inner.path)
            .field("read_only", &self.inner.read_only)
            .finish()
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Closing the channel ends the thread's loop once the queued jobs are done.
        drop(self.jobs.take());
        let thread = match self.thread.get_mut() {
            Ok(slot) => slot.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        if let Some(thread) = thread {
            // The last handle may be dropped by a job on the store thread itself: never join
            // oneself.
            if std::thread::current().id() != self.thread_id && thread.join().is_err() {
                tracing::error!("the store thread panicked while closing");
            }
        }
    }
}

type Reply<R> = flume::Receiver<Result<R, StoreError>>;

/// Wraps `f` into a job that sends its result (or [`StoreError::Panicked`]) back.
fn job<R, F>(f: F) -> (Job, Reply<R>)
where
    R: Send + 'static,
    F: FnOnce(&mut Connection) -> Result<R, StoreError> + Send + 'static,
{
    let (tx, rx) = flume::bounded(1);
    let job: Job = Box::new(move |conn: &mut Connection| {
        let result = match catch_unwind(AssertUnwindSafe(|| f(&mut *conn))) {
            Ok(result) => result,
            Err(_) => {
                tracing::error!("a store job panicked; its transaction is rolled back");
                Err(StoreError::Panicked)
            }
        };
        // A job that began a transaction by hand and returned early must not leave it open
        // for the next job.
        if !conn.is_autocommit()
            && let Err(e) = conn.execute_batch("ROLLBACK")
        {
            tracing::error!("cannot roll back a store job's open transaction: {e}");
        }
        // The caller may have given up waiting (a dropped future): nothing to do then.
        let _ = tx.send(result);
    });
    (job, rx)
}

/// After a failed indexing step (disk full, a lock held by another process…), wait this long
/// before trying again, serving jobs meanwhile.
const INDEX_RETRY: Duration = Duration::from_secs(5);

/// Indexing starts once no entry has been written for this long. During an import or a sync,
/// batches follow each other closer than this, so indexing does not cut in between them with
/// small, slow commits (measured: that halved the insert rate); it catches up in large steps
/// afterwards. Reads (searches, listings, status polls) do not hold it back.
pub const INDEX_QUIET: Duration = Duration::from_millis(200);

/// The store thread: runs jobs in order until every handle is gone, then closes the file.
/// When no entry has been written for [`INDEX_QUIET`], it moves stored entries into the
/// full-text index, giving way to any job that arrives.
fn run(mut conn: Connection, jobs: flume::Receiver<Job>, read_only: bool) {
    let newest_pending = |conn: &Connection| {
        if read_only {
            None
        } else {
            index::newest_pending(conn).unwrap_or(None)
        }
    };
    let mut pending = newest_pending(&conn);
    let mut last_write = Instant::now();
    let mut retry_at = Instant::now();
    loop {
        let next = if pending.is_some() {
            let start_at = (last_write + INDEX_QUIET).max(retry_at);
            match jobs.recv_deadline(start_at) {
                Ok(job) => Some(job),
                Err(RecvTimeoutError::Disconnected) => None,
                Err(RecvTimeoutError::Timeout) => {
                    match index::idle_step(&mut conn, || !jobs.is_empty()) {
                        Ok(true) => {}
                        Ok(false) => pending = None,
                        Err(e) => {
                            tracing::warn!("search indexing paused: {e}");
                            retry_at = Instant::now() + INDEX_RETRY;
                        }
                    }
                    continue;
                }
            }
        } else {
            jobs.recv().ok()
        };
        let Some(job) = next else { break };
        job(&mut conn);
        let now_pending = newest_pending(&conn);
        if now_pending > pending {
            last_write = Instant::now();
        }
        pending = now_pending;
    }
    if !read_only {
        if let Ok(left) = index::backlog(&conn)
            && left > 0
        {
            tracing::info!(
                "{left} entries are not in the search index yet; indexing resumes when the store is next opened"
            );
        }
        // Lets SQLite refresh its planner statistics where useful; cheap when nothing changed.
        if let Err(e) = conn.execute_batch("PRAGMA optimize") {
            tracing::warn!("PRAGMA optimize on close failed: {e}");
        }
    }
    if let Err((_, e)) = conn.close() {
        tracing::error!("closing the database failed: {e}");
    }
}
