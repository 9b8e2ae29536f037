//! A loopback HTTP/1.1 proxy between a wallet and the backend that misbehaves on purpose:
//! it loses requests, loses answers after the backend acted on them, answers too late,
//! delivers a request twice and resets connections, each chosen by a seeded generator so a
//! failing run can be replayed.
//!
//! Every forwarded request goes to the backend on a connection of its own with
//! `Connection: close`, so an answer is simply everything the backend sends until it closes.
//! In front of several backends it is also their load balancer: each request (and each copy
//! of a duplicated one) goes to the next backend in turn.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// What the proxy does to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fault {
    /// Forward it and return the answer.
    Pass,
    /// Close the client's connection without forwarding.
    DropRequest,
    /// Forward it, let the backend answer, then close without returning the answer.
    DropResponse,
    /// Forward it and return the answer after the client has given up.
    Delay,
    /// Forward it twice, one after the other, and return the second answer.
    Duplicate,
    /// Reset the client's connection (RST, not FIN) after the backend answered.
    Reset,
}

const FAULTS: [Fault; 5] = [
    Fault::DropRequest,
    Fault::DropResponse,
    Fault::Delay,
    Fault::Duplicate,
    Fault::Reset,
];

/// xorshift64*: a tiny deterministic generator, enough to pick faults and amounts.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

struct Shared {
    backends: Vec<SocketAddr>,
    turn: AtomicUsize,
    rng: Mutex<Rng>,
    /// Percentage of requests that meet a fault while faults are on.
    fault_percent: u64,
    faulty: AtomicBool,
    delay: Duration,
    /// Requests whose path starts with this get their answer held (never returned), and
    /// the answer's status line is sent on the channel once the backend gave it.
    hold: Mutex<Option<(String, mpsc::UnboundedSender<String>)>>,
    log: Mutex<Vec<(String, Fault)>>,
    /// Each forwarded request's path and the index of the backend it went to.
    routed: Mutex<Vec<(String, usize)>>,
}

pub struct FaultyProxy {
    pub url: String,
    shared: Arc<Shared>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

/// A proxy's address, bound before the backends start so that they can be told it (a
/// backend answers only for the addresses it knows, as behind a real load balancer).
pub struct ProxyAddress {
    listener: TcpListener,
    pub url: String,
}

impl ProxyAddress {
    pub async fn bind() -> ProxyAddress {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        ProxyAddress { listener, url }
    }
}

impl FaultyProxy {
    /// Starts a proxy to `backend_url` (`http://127.0.0.1:PORT`). `delay` should exceed the
    /// client's request timeout. The backend must know the proxy's address
    /// (`Config::public_urls`): bind it first with [`ProxyAddress::bind`].
    pub async fn start(
        address: ProxyAddress,
        backend_url: &str,
        seed: u64,
        fault_percent: u64,
        delay: Duration,
    ) -> Self {
        Self::spread(
            address,
            &[backend_url.to_owned()],
            seed,
            fault_percent,
            delay,
        )
        .await
    }

    /// A proxy that sends each request to the next of `backend_urls` in turn.
    pub async fn spread(
        address: ProxyAddress,
        backend_urls: &[String],
        seed: u64,
        fault_percent: u64,
        delay: Duration,
    ) -> Self {
        let backends = backend_urls
            .iter()
            .map(|u| {
                u.trim_start_matches("http://")
                    .trim_end_matches('/')
                    .parse()
                    .expect("a loopback backend address")
            })
            .collect();
        let shared = Arc::new(Shared {
            backends,
            turn: AtomicUsize::new(0),
            rng: Mutex::new(Rng::new(seed)),
            fault_percent,
            faulty: AtomicBool::new(true),
            delay,
            hold: Mutex::new(None),
            log: Mutex::new(Vec::new()),
            routed: Mutex::new(Vec::new()),
        });
        let ProxyAddress { listener, url } = address;
        let (tx, mut rx) = tokio::sync::oneshot::channel::<()>();
        let s = shared.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = &mut rx => break,
                    accepted = listener.accept() => {
                        let Ok((conn, _)) = accepted else { continue };
                        tokio::spawn(serve_client(conn, s.clone()));
                    }
                }
            }
        });
        FaultyProxy {
            url,
            shared,
            _stop: tx,
        }
    }

    /// Turns faults on or off (off: every request passes).
    pub fn set_faulty(&self, on: bool) {
        self.shared.faulty.store(on, Ordering::SeqCst);
    }

    /// Holds the answers to requests whose path starts with `path_prefix`: they reach the
    /// backend, its answer never reaches the client. The receiver gets each answer's status
    /// line once the backend has given it.
    pub fn hold_answers(&self, path_prefix: &str) -> mpsc::UnboundedReceiver<String> {
        let (tx, rx) = mpsc::unbounded_channel();
        *self.shared.hold.lock().unwrap() = Some((path_prefix.to_owned(), tx));
        rx
    }

    /// Lets answers through again (the network is back).
    pub fn release_answers(&self) {
        *self.shared.hold.lock().unwrap() = None;
    }

    /// Every request seen, with the fault it met.
    pub fn log(&self) -> Vec<(String, Fault)> {
        self.shared.log.lock().unwrap().clone()
    }

    /// Which backend (by index) each forwarded request whose path starts with
    /// `path_prefix` went to, in order.
    pub fn routed(&self, path_prefix: &str) -> Vec<usize> {
        self.shared
            .routed
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _)| p.starts_with(path_prefix))
            .map(|(_, b)| *b)
            .collect()
    }
}

impl Shared {
    fn choose(&self) -> Fault {
        if !self.faulty.load(Ordering::SeqCst) {
            return Fault::Pass;
        }
        let mut rng = self.rng.lock().unwrap();
        if rng.below(100) >= self.fault_percent {
            return Fault::Pass;
        }
        FAULTS[rng.below(FAULTS.len() as u64) as usize]
    }
}

/// One request as read from the client: its head (request line and headers) and body.
struct Request {
    head: String,
    body: Vec<u8>,
}

impl Request {
    fn path(&self) -> &str {
        self.head.split(' ').nth(1).unwrap_or("")
    }

    /// The request as sent to the backend: the same, but on a connection of its own.
    fn to_backend(&self) -> Vec<u8> {
        let mut out = String::new();
        for (i, line) in self.head.split("\r\n").enumerate() {
            if i > 0 && line.to_ascii_lowercase().starts_with("connection:") {
                continue;
            }
            out.push_str(line);
            out.push_str("\r\n");
        }
        out.push_str("connection: close\r\n\r\n");
        let mut bytes = out.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }
}

/// Reads one request; `None` when the client closed the connection.
async fn read_request(conn: &mut TcpStream, buf: &mut Vec<u8>) -> Option<Request> {
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let mut chunk = [0u8; 8192];
        let n = conn.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let length: usize = head
        .split("\r\n")
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0);
    let start = head_end + 4;
    while buf.len() < start + length {
        let mut chunk = [0u8; 8192];
        let n = conn.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = buf[start..start + length].to_vec();
    buf.drain(..start + length);
    Some(Request { head, body })
}

/// Sends a request to the next backend and reads its whole answer.
async fn forward(shared: &Shared, req: &Request) -> std::io::Result<Vec<u8>> {
    let at = shared.turn.fetch_add(1, Ordering::SeqCst) % shared.backends.len();
    shared
        .routed
        .lock()
        .unwrap()
        .push((req.path().to_owned(), at));
    let mut up = TcpStream::connect(shared.backends[at]).await?;
    up.write_all(&req.to_backend()).await?;
    let mut answer = Vec::new();
    up.read_to_end(&mut answer).await?;
    Ok(answer)
}

/// Closes with RST: a zero linger makes the close abort the connection.
fn reset(conn: TcpStream) {
    let _ = conn.set_zero_linger();
}

/// Serves one request per client connection: the answer carries the backend's
/// `connection: close`, so the client opens a new connection for the next.
async fn serve_client(mut conn: TcpStream, shared: Arc<Shared>) {
    let mut buf = Vec::new();
    if let Some(req) = read_request(&mut conn, &mut buf).await {
        let held = shared
            .hold
            .lock()
            .unwrap()
            .as_ref()
            .filter(|(prefix, _)| req.path().starts_with(prefix.as_str()))
            .map(|(_, tx)| tx.clone());
        if let Some(tx) = held {
            if let Ok(answer) = forward(&shared, &req).await {
                let status = String::from_utf8_lossy(&answer)
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                let _ = tx.send(status);
            }
            // Keep the client waiting until it gives up or is killed.
            tokio::time::sleep(Duration::from_secs(600)).await;
            return;
        }
        let fault = shared.choose();
        shared
            .log
            .lock()
            .unwrap()
            .push((req.path().to_owned(), fault));
        let answer = match fault {
            Fault::DropRequest => return,
            Fault::Duplicate => {
                let _ = forward(&shared, &req).await;
                forward(&shared, &req).await
            }
            _ => forward(&shared, &req).await,
        };
        let Ok(answer) = answer else { return };
        match fault {
            Fault::DropResponse => return,
            Fault::Reset => return reset(conn),
            Fault::Delay => tokio::time::sleep(shared.delay).await,
            _ => {}
        }
        let _ = conn.write_all(&answer).await;
    }
}
