//! A server that speaks just enough of PostgreSQL's protocol to be sent a
//! password: it offers no TLS, asks for the password in clear text, and keeps
//! whatever arrives. It stands for a host that should never get one (a profile
//! edited to point elsewhere, a network in the middle).

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

pub struct Peer {
    pub port: u16,
    /// Every password message received.
    pub passwords: Arc<Mutex<Vec<String>>>,
    /// Connections that asked for TLS first.
    pub tls_requests: Arc<Mutex<u32>>,
}

/// Listens on `host` (a loopback address such as 127.0.0.2, which Waybill
/// counts as another machine) until the test ends.
pub async fn start(host: &str) -> Peer {
    let listener = TcpListener::bind((host, 0)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let passwords = Arc::new(Mutex::new(Vec::new()));
    let tls_requests = Arc::new(Mutex::new(0));
    let (p, t) = (passwords.clone(), tls_requests.clone());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let (p, t) = (p.clone(), t.clone());
            tokio::spawn(async move {
                loop {
                    let mut len = [0u8; 4];
                    if socket.read_exact(&mut len).await.is_err() {
                        return;
                    }
                    let mut body = vec![0u8; u32::from_be_bytes(len) as usize - 4];
                    if socket.read_exact(&mut body).await.is_err() {
                        return;
                    }
                    if body[..4] == 80877103u32.to_be_bytes() {
                        *t.lock().unwrap() += 1;
                        let _ = socket.write_all(b"N").await; // no TLS here
                        continue;
                    }
                    // The startup message: ask for the password in clear text.
                    let _ = socket.write_all(&[b'R', 0, 0, 0, 8, 0, 0, 0, 3]).await;
                    let mut tag = [0u8; 1];
                    if socket.read_exact(&mut tag).await.is_err() || tag[0] != b'p' {
                        return;
                    }
                    if socket.read_exact(&mut len).await.is_err() {
                        return;
                    }
                    let mut password = vec![0u8; u32::from_be_bytes(len) as usize - 4];
                    if socket.read_exact(&mut password).await.is_err() {
                        return;
                    }
                    password.pop(); // the closing NUL
                    p.lock().unwrap().push(String::from_utf8_lossy(&password).into_owned());
                    // As a server would: the login fails.
                    let mut fields = Vec::new();
                    for (code, text) in [
                        (b'S', "FATAL"),
                        (b'C', "28P01"),
                        (b'M', "password authentication failed"),
                    ] {
                        fields.push(code);
                        fields.extend_from_slice(text.as_bytes());
                        fields.push(0);
                    }
                    fields.push(0);
                    let mut message = vec![b'E'];
                    message.extend_from_slice(&(fields.len() as u32 + 4).to_be_bytes());
                    message.extend_from_slice(&fields);
                    let _ = socket.write_all(&message).await;
                    return;
                }
            });
        }
    });
    Peer {
        port,
        passwords,
        tls_requests,
    }
}
