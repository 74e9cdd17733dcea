//! Connections: accepted up to a bound, each served by hyper and watched, so that a client
//! cannot hold a connection open without using it.
//!
//! A connection is closed when a request's head takes longer than the header-read timeout
//! from its first byte (a header sent a byte at a time), or when nothing is in flight and no
//! byte has moved for the idle timeout (a connection opened and left silent, or kept alive and
//! forgotten). Requests in flight are bounded by the request timeout instead. When the bound of
//! connections is reached the server stops accepting, and further clients wait in the kernel's
//! listen backlog until a connection closes; without the bound, silent connections used up the
//! process's descriptors and even `/v1/health` went unanswered.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tower::ServiceExt;

/// How connections are limited.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub header_read_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
}

/// Descriptors kept for everything but connections: the store's files, the listener, logs.
const RESERVED_DESCRIPTORS: u64 = 64;

impl Limits {
    /// The bound of connections, lowered to fit under the process's open-file limit.
    pub fn connection_bound(&self) -> usize {
        let Some(files) = open_file_limit() else {
            return self.max_connections.max(1);
        };
        let fit = files.saturating_sub(RESERVED_DESCRIPTORS).max(1);
        let fit = usize::try_from(fit).unwrap_or(usize::MAX);
        if fit < self.max_connections {
            tracing::warn!(
                max_connections = self.max_connections,
                open_files = files,
                serving = fit,
                "max_connections lowered to fit the open-file limit"
            );
        }
        self.max_connections.min(fit).max(1)
    }
}

/// The soft limit of open files, where the system tells it (Linux).
fn open_file_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// Accepts and serves connections until `stop` turns true, then lets the open ones finish
/// their requests and returns once all are closed.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    mut stop: watch::Receiver<bool>,
) {
    let bound = limits.connection_bound();
    let slots = Arc::new(Semaphore::new(bound));
    loop {
        let permit = tokio::select! {
            permit = slots.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            _ = stop.wait_for(|stop| *stop) => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    accept_failed(err).await;
                    continue;
                }
            },
            _ = stop.wait_for(|stop| *stop) => break,
        };
        let router = router.clone();
        let stop = stop.clone();
        tokio::spawn(async move {
            serve_connection(stream, peer, router, limits, stop).await;
            drop(permit);
        });
    }
    // every connection holds a slot until it closes
    let _ = slots
        .acquire_many(u32::try_from(bound).unwrap_or(u32::MAX))
        .await;
}

/// An accept that failed. Running out of descriptors is waited out rather than retried at once,
/// which would spin; errors of one connection (reset before it was accepted) are not the
/// listener's.
async fn accept_failed(err: io::Error) {
    match err.kind() {
        io::ErrorKind::ConnectionAborted
        | io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionRefused => {}
        _ => {
            tracing::warn!(error = %err, "cannot accept a connection");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    limits: Limits,
    mut stop: watch::Receiver<bool>,
) {
    if let Err(err) = stream.set_nodelay(true) {
        tracing::debug!(error = %err, "cannot set nodelay");
    }
    let clock = Arc::new(Clock::new());
    let service_clock = clock.clone();
    let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
        let in_flight = InFlight::start(service_clock.clone());
        let router = router.clone();
        // what is limited per client address reads it here
        request.extensions_mut().insert(ConnectInfo(peer));
        async move {
            let response = router.oneshot(request.map(Body::new)).await;
            drop(in_flight);
            response
        }
    });
    let io = TokioIo::new(Watched {
        inner: stream,
        clock: clock.clone(),
    });
    let connection = hyper::server::conn::http1::Builder::new().serve_connection(io, service);
    tokio::pin!(connection);
    let watchdog = watchdog(&clock, limits);
    tokio::pin!(watchdog);
    tokio::select! {
        result = connection.as_mut() => return finished(result),
        _ = watchdog.as_mut() => return,
        _ = stop.wait_for(|stop| *stop) => connection.as_mut().graceful_shutdown(),
    }
    // draining: the request in flight finishes, then the connection closes
    tokio::select! {
        result = connection => finished(result),
        _ = watchdog => {}
    }
}

fn finished(result: Result<(), hyper::Error>) {
    if let Err(err) = result {
        tracing::debug!(error = %err, "connection ended with an error");
    }
}

/// Resolves when the connection has outstayed its welcome: a head slower than the header-read
/// timeout, or nothing happening for the idle timeout. Dropping the connection closes it.
async fn watchdog(clock: &Clock, limits: Limits) {
    let header = millis(limits.header_read_timeout);
    let idle = millis(limits.idle_timeout);
    loop {
        let now = clock.now();
        let deadline = if clock.in_flight.load(Ordering::Acquire) > 0 {
            // the request timeout bounds a request; look again later
            now + header
        } else {
            match clock.head_since.load(Ordering::Acquire) {
                NONE => clock.last_activity.load(Ordering::Acquire) + idle,
                since => since + header,
            }
        };
        if now >= deadline && clock.in_flight.load(Ordering::Acquire) == 0 {
            tracing::debug!("closing a connection that sent no complete request in time");
            return;
        }
        // a head may start while this sleeps, so it never sleeps past a head's deadline
        let wait = deadline.saturating_sub(now).clamp(1, header.max(1));
        tokio::time::sleep(Duration::from_millis(wait)).await;
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX / 2)
}

/// No head is being read.
const NONE: u64 = u64::MAX;

/// What a connection has been doing, in milliseconds since it was accepted. Atomics, because
/// the connection's reads and its requests are polled by hyper and the watchdog reads them.
struct Clock {
    epoch: Instant,
    last_activity: AtomicU64,
    /// When the first byte of the next request's head arrived, or [`NONE`].
    head_since: AtomicU64,
    in_flight: AtomicU32,
}

impl Clock {
    fn new() -> Clock {
        Clock {
            epoch: Instant::now(),
            last_activity: AtomicU64::new(0),
            head_since: AtomicU64::new(NONE),
            in_flight: AtomicU32::new(0),
        }
    }

    fn now(&self) -> u64 {
        millis(self.epoch.elapsed())
    }

    fn touch(&self) {
        self.last_activity.store(self.now(), Ordering::Release);
    }

    /// Bytes arrived: outside a request they are the start of the next head.
    fn read(&self) {
        let now = self.now();
        self.last_activity.store(now, Ordering::Release);
        if self.in_flight.load(Ordering::Acquire) == 0 {
            let _ =
                self.head_since
                    .compare_exchange(NONE, now, Ordering::AcqRel, Ordering::Acquire);
        }
    }
}

/// A request being served: its head has arrived whole. Dropped when the handler has answered,
/// or when the connection goes away under it.
struct InFlight(Arc<Clock>);

impl InFlight {
    fn start(clock: Arc<Clock>) -> InFlight {
        clock.in_flight.fetch_add(1, Ordering::AcqRel);
        clock.head_since.store(NONE, Ordering::Release);
        InFlight(clock)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.touch();
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A stream that tells its connection's clock when bytes move.
struct Watched {
    inner: TcpStream,
    clock: Arc<Clock>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.clock.read();
        }
        result
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(result, Poll::Ready(Ok(written)) if written > 0) {
            self.clock.touch();
        }
        result
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write_vectored(cx, data);
        if matches!(result, Poll::Ready(Ok(written)) if written > 0) {
            self.clock.touch();
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
