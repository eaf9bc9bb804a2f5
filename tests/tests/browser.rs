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

/// Issue 4's "done when", in a real browser: a French-speaking staff member sees that the node
/// is connected, finds a case by a French word and by an English one, reads it in French with
/// its city and a verified signature, explores the actor map, and publishes a new practice
/// through the form — token entered once, preview, then publish.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_staff_member_browses_searches_reads_maps_and_publishes() -> Result {
    use audacities_tests::http::{examples, publish_examples};
    use audacities_tests::net::{Setup, secs, wait_until};

    let net = Net::new();
    let node = TestNode::start(&net).await;
    let ids = publish_examples(&node).await;
    let all = examples();
    // A second city's node connects to this one: the home page must say "connected".
    let other = TestNode::start_with(&net, Setup::named("other").peer(node.addr().await)).await;
    wait_until("the two nodes connect", secs(20), async || {
        if node.peers().await.is_empty() {
            Err("no peer yet".to_owned())
        } else {
            Ok(())
        }
    })
    .await;
    let base = format!("http://{}", node.node().api_addr());

    let browser = Browser::start_with_lang("fr").await?;
    browser.goto(&format!("{base}/")).await?;
    let status = browser.wait_for_text("#node-status", "Connecté").await?;
    assert!(status.contains('1'), "one peer: {status}");
    assert_eq!(
        browser.attr("#node-status", "class").await?.as_deref(),
        Some("ok")
    );

    // Search in French from the home page, accents left out.
    browser.fill("#q", "deliberations").await?;
    browser.click("form.search button[type=submit]").await?;
    browser.wait_for("#results .hit").await?;
    let decidim = &ids["06-governance_practice-en.md"];
    let found = browser.source().await?;
    assert!(
        found.contains(decidim.as_str()),
        "délibérations finds Decidim"
    );
    assert!(found.contains("<mark>"), "matches are highlighted");

    // And in English; then open the Seoul case from the results.
    browser.fill("#q", "sharing city").await?;
    browser.click("#search button[type=submit]").await?;
    let seoul = &ids["02-case_study-en.md"];
    let link = format!("#results a.title[href='/entries/{seoul}']");
    browser.wait_for(&link).await?;
    browser.click(&link).await?;
    let title_fr = all["02-case_study-en.md"]["title"]["fr"].as_str().unwrap();
    let shown = browser.wait_for_text("#entry-title", title_fr).await?;
    assert_eq!(shown, title_fr, "read in French");
    let badge = browser.text("#signature").await?;
    assert!(badge.contains("Signature vérifiée"), "{badge}");
    assert_eq!(
        browser.attr("#signature", "class").await?.as_deref(),
        Some("badge verified")
    );
    let publisher = browser.text("#publisher").await?;
    assert!(
        publisher.contains("node"),
        "the publishing city's name: {publisher}"
    );
    // The other language is one click away.
    browser.click("a.text-lang[lang='en']").await?;
    let title_en = all["02-case_study-en.md"]["title"]["en"].as_str().unwrap();
    browser.wait_for_text("#entry-title", title_en).await?;

    // The actor map: one edge per relation, clickable.
    browser.goto(&format!("{base}/actors")).await?;
    browser.wait_for("svg#actor-map").await?;
    let relations = browser
        .client()
        .find_all(fantoccini::Locator::Css("#actor-map a.relation"))
        .await?;
    let expected = all
        .values()
        .filter(|d| d["kind"] == "actor_relation")
        .count();
    assert_eq!(relations.len(), expected);

    // Publish a practice through the form: the token first (kept by the browser), then the
    // fields, a preview, and the signed entry's page.
    browser
        .goto(&format!("{base}/publish?kind=governance_practice"))
        .await?;
    let token =
        audacities_node::token::read(node.node().shared().home.as_path()).ok_or("no api-token")?;
    browser.fill("#token", &token).await?;
    browser.click("#token-form button[type=submit]").await?;
    // The page with the form shows the token's form too, until the token is kept.
    browser.wait_for_gone("#token-form").await?;
    browser.wait_for("form#publish").await?;
    assert!(browser.cookie("audacities_token").await?.is_some());
    let title = "Budget participatif des écoles";
    browser.select("[id='lang']", "fr").await?;
    browser.fill("[id='title.fr']", title).await?;
    browser.click("[id='themes.participation']").await?;
    browser.fill("[id='place.name']", "Lyon").await?;
    browser.fill("[id='place.country']", "FR").await?;
    browser.select("[id='object_kind']", "process").await?;
    browser
        .select("[id='instrument']", "participatory_process")
        .await?;
    browser.click("#preview-button").await?;
    browser.wait_for_text("#preview", title).await?;
    assert_eq!(
        node.count().await,
        ids.len() as u64,
        "a preview publishes nothing"
    );
    browser.click("#publish-button").await?;
    browser.wait_for_text("#entry-title", title).await?;
    assert!(browser.current_url().await?.contains("/entries/"));
    assert_eq!(node.count().await, ids.len() as u64 + 1);
    let badge = browser.text("#signature").await?;
    assert!(badge.contains("Signature vérifiée"), "{badge}");

    browser.close().await?;
    other.stop().await;
    node.stop().await;
    Ok(())
}
