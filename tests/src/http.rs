//! A small HTTP/1.1 client for tests of the node's API and pages (one request per connection,
//! every wait bounded), and the repository's example drafts published through the API.

use std::collections::BTreeMap;
use std::path::PathBuf;

use audacities_protocol::{Draft, Format};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::net::TestNode;

/// An HTTP answer: status, headers (lowercase names), body.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:.300}", self.body))
    }
}

/// One HTTP/1.1 request over a fresh connection (bounded to 10 s).
pub async fn request(
    node: &TestNode,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Answer {
    let addr = node.node().api_addr();
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let mut head = format!("{method} {path} HTTP/1.1\r\n");
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        head.push_str(&format!("Host: {addr}\r\n"));
    }
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    stream.write_all(head.as_bytes()).await.expect("write");
    stream.write_all(body).await.expect("write body");
    let mut answer = Vec::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_end(&mut answer),
    )
    .await
    .expect("an answer within 10 s")
    .expect("read");
    let text = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let body = if headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"))
    {
        dechunk(body)
    } else {
        body.to_owned()
    };
    Answer {
        status,
        headers,
        body,
    }
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].trim_start_matches("\r\n");
    }
    out
}

pub async fn get(node: &TestNode, path: &str) -> Answer {
    request(node, "GET", path, &[], b"").await
}

pub fn token(node: &TestNode) -> String {
    audacities_node::token::read(node.node().shared().home.as_path()).expect("api-token")
}

/// The example drafts of the repository, as JSON values, by file name.
pub fn examples() -> BTreeMap<String, serde_json::Value> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("examples") {
        let path = entry.expect("entry").path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        let ext = path.extension().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).expect("read");
        let format = Format::from_extension(&ext).expect("format");
        let draft = Draft::parse(&text, format).expect("a valid example");
        out.insert(name, draft.value().clone());
    }
    out
}

/// Publishes every example as a draft through the API; their ids by file name.
pub async fn publish_examples(node: &TestNode) -> BTreeMap<String, String> {
    let token = token(node);
    let auth = format!("Bearer {token}");
    let mut ids = BTreeMap::new();
    for (name, draft) in examples() {
        let body = serde_json::to_vec(&draft).unwrap();
        let answer = request(
            node,
            "POST",
            "/api/v1/entries",
            &[
                ("Authorization", &auth),
                ("Content-Type", "application/json"),
            ],
            &body,
        )
        .await;
        assert_eq!(answer.status, 200, "{name}: {}", answer.body);
        let json = answer.json();
        assert_eq!(json["verdict"], "accepted", "{name}: {}", answer.body);
        ids.insert(name, json["id"].as_str().unwrap().to_owned());
    }
    ids
}
