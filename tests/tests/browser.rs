//! The browser harness works end to end: a real node, its local API opened in headless
//! Chromium (src/browser.rs). Needs `chromium` and `chromedriver` (Debian: `chromium
//! chromium-driver`); every wait is bounded.

use audacities_tests::browser::Browser;
use audacities_tests::net::{Net, TestNode};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_shows_the_status_of_a_real_node() -> Result {
    let net = Net::new();
    let node = TestNode::start(&net).await;
    let peer_id = node.peer_id().to_string();
    let url = format!("http://{}/api/v1/status", node.node().api_addr());

    let browser = Browser::start().await?;
    browser.goto(&url).await?;
    let text = browser.wait_for_text("body", &peer_id).await?;
    assert!(text.contains(&peer_id), "{text}");
    assert_eq!(browser.current_url().await?, url);
    assert!(browser.source().await?.contains(&peer_id));

    browser.close().await?;
    node.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_come_in_the_browsers_language_and_missing_elements_fail_in_time() -> Result {
    let net = Net::new();
    let node = TestNode::start(&net).await;
    let url = format!("http://{}/api/v1/status", node.node().api_addr());

    let mut browser = Browser::start_with_lang("fr").await?;
    browser.goto(&url).await?;
    browser.set_timeout(std::time::Duration::from_millis(500));
    let started = std::time::Instant::now();
    let error = browser
        .wait_for("#no-such-thing")
        .await
        .expect_err("there is no such element");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    let message = error.to_string();
    assert!(
        message.contains("#no-such-thing") && message.contains(&url),
        "{message}"
    );

    // Pages are asked for in the browser's language.
    browser.set_timeout(std::time::Duration::from_secs(10));
    let echo = echo_accept_language().await?;
    browser.goto(&format!("http://{echo}/")).await?;
    let text = browser.text("body").await?;
    assert!(text.starts_with("fr"), "Accept-Language: {text}");

    // Dropped without close(): Drop ends the session and chromedriver.
    drop(browser);
    node.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_test_leaves_no_browser_behind() -> Result {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let task = tokio::spawn(async move {
        let browser = Browser::start().await.expect("the browser starts");
        let profile = browser.profile_dir().to_path_buf();
        assert!(running_with(&profile), "Chromium runs with its profile");
        tx.send(profile).expect("send");
        panic!("a test fails while its browser is open");
    });
    assert!(task.await.expect_err("the task panicked").is_panic());
    let profile = rx.await?;
    assert!(
        !running_with(&profile),
        "no process of that browser is left"
    );
    assert!(!profile.exists(), "its profile folder is removed");
    Ok(())
}

/// Whether a live process has `path` in its command line.
fn running_with(path: &std::path::Path) -> bool {
    let needle = path.to_string_lossy().into_owned();
    std::fs::read_dir("/proc")
        .expect("/proc")
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.parse::<u32>().is_ok())
        })
        .any(|e| {
            let pid = e.path();
            let zombie = std::fs::read_to_string(pid.join("stat"))
                .ok()
                .and_then(|s| {
                    s.rsplit_once(')')
                        .map(|(_, rest)| rest.trim_start().starts_with('Z'))
                })
                .unwrap_or(true);
            !zombie
                && std::fs::read(pid.join("cmdline"))
                    .map(|c| String::from_utf8_lossy(&c).contains(&needle))
                    .unwrap_or(false)
        })
}

/// A one-page HTTP server on 127.0.0.1 whose page is the request's `Accept-Language`.
async fn echo_accept_language() -> Result<std::net::SocketAddr> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let request = String::from_utf8_lossy(&request).into_owned();
                let language = request
                    .lines()
                    .find_map(|l| {
                        let (name, value) = l.split_once(':')?;
                        name.eq_ignore_ascii_case("accept-language")
                            .then(|| value.trim().to_owned())
                    })
                    .unwrap_or_else(|| "(none)".to_owned());
                let page = format!("<!doctype html><body>{language}</body>");
                let answer = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
                    page.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
            });
        }
    });
    Ok(addr)
}
