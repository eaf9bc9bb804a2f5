//! The local API's access rules (RELIABILITY.md 20): reads are open on loopback, writes need
//! the home's token, a foreign `Host` is refused (DNS rebinding), errors are JSON with a code.

use audacities_tests::net::{Net, TestNode, fresh};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One HTTP/1.1 request over a fresh connection; the status code and the body.
async fn http(
    node: &TestNode,
    method: &str,
    path: &str,
    host: &str,
    token: Option<&str>,
    body: &[u8],
) -> (u16, String) {
    let addr = node.node().api_addr();
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\n{auth}Content-Length: {}\r\nContent-Type: application/x-ndjson\r\nConnection: close\r\n\r\n",
        body.len()
    );
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
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_need_the_token_and_foreign_hosts_are_refused() {
    let net = Net::new();
    let node = TestNode::start(&net).await;
    let host = node.node().api_addr().to_string();
    let token = audacities_node::token::read(node.node().shared().home.as_path())
        .expect("the node created its api-token");
    let line = fresh(1).remove(0);
    let mut body = line.clone();
    body.push(b'\n');

    let (status, answer) = http(&node, "GET", "/api/v1/status", &host, None, b"").await;
    assert_eq!(status, 200, "{answer}");
    assert!(answer.contains("\"fingerprint\""), "{answer}");

    let (status, answer) = http(&node, "POST", "/api/v1/entries", &host, None, &body).await;
    assert_eq!(status, 401, "{answer}");
    assert!(answer.contains("\"code\":\"token_required\""), "{answer}");

    let (status, answer) = http(
        &node,
        "POST",
        "/api/v1/entries",
        &host,
        Some("wrong"),
        &body,
    )
    .await;
    assert_eq!(status, 401, "{answer}");
    assert!(answer.contains("\"code\":\"bad_token\""), "{answer}");
    assert_eq!(node.count().await, 0, "nothing stored without the token");

    let port = node.node().api_addr().port();
    let rebinding = format!("attacker.example:{port}");
    let (status, answer) = http(&node, "GET", "/api/v1/status", &rebinding, None, b"").await;
    assert_eq!(status, 403, "{answer}");
    assert!(answer.contains("\"code\":\"host_refused\""), "{answer}");
    let (status, _) = http(
        &node,
        "POST",
        "/api/v1/entries",
        &rebinding,
        Some(&token),
        &body,
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(
        node.count().await,
        0,
        "nothing stored through a foreign Host"
    );

    let (status, answer) = http(
        &node,
        "POST",
        "/api/v1/entries",
        &format!("localhost:{port}"),
        Some(&token),
        &body,
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert!(answer.contains("\"accepted\":1"), "{answer}");
    assert_eq!(node.count().await, 1);

    let (status, answer) = http(
        &node,
        "POST",
        "/api/v1/trust",
        &host,
        Some(&token),
        b"{\"city\": \"not a key\"}",
    )
    .await;
    assert_eq!(status, 400, "{answer}");
    assert!(answer.contains("\"code\":\"bad_key\""), "{answer}");

    let (status, answer) = http(
        &node,
        "POST",
        "/api/v1/trust",
        &host,
        Some(&token),
        b"{not json",
    )
    .await;
    assert_eq!(status, 400, "{answer}");
    assert!(answer.contains("\"code\":\"bad_request\""), "{answer}");

    let (status, answer) = http(&node, "GET", "/api/v1/nothing", &host, None, b"").await;
    assert_eq!(status, 404, "{answer}");
    assert!(answer.contains("\"code\":\"not_found\""), "{answer}");
    node.stop().await;
}
