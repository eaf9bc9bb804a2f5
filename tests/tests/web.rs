//! The local API's reading endpoints, publishing a draft through it, its errors, and the web
//! pages over HTTP (the browser test, `browser.rs`, drives the same pages in Chromium): every
//! endpoint of issue 4, every error code, the security rules (token, Host, no CORS, body cap,
//! the token cookie's attributes), and what the pages show compared with what was published.

use audacities_tests::http::{examples, get, publish_examples, request, token};
use audacities_tests::net::{Net, Setup, TestNode};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listing_search_filters_pages_and_formats_follow_what_was_published() {
    let net = Net::new();
    let node = TestNode::start(&net).await;
    let ids = publish_examples(&node).await;
    let all = examples();

    // Everything, newest first, in pages of 5 joined by the cursor.
    let mut seen = Vec::new();
    let mut path = "/api/v1/entries?limit=5".to_owned();
    for _ in 0..10 {
        let page = get(&node, &path).await;
        assert_eq!(page.status, 200, "{}", page.body);
        let json = page.json();
        for item in json["items"].as_array().unwrap() {
            seen.push(item["id"].as_str().unwrap().to_owned());
        }
        match json["next"].as_str() {
            Some(next) => path = format!("/api/v1/entries?limit=5&cursor={next}"),
            None => break,
        }
    }
    let mut published: Vec<String> = ids.values().cloned().collect();
    published.sort();
    let mut listed = seen.clone();
    listed.sort();
    assert_eq!(listed, published, "the pages cover every entry once");

    // Filters: kind, theme, lang, year, since; facets count what the filters select.
    let scenarios = get(&node, "/api/v1/entries?kind=scenario&facets=1")
        .await
        .json();
    let expected = all.values().filter(|d| d["kind"] == "scenario").count();
    assert_eq!(scenarios["items"].as_array().unwrap().len(), expected);
    assert_eq!(scenarios["facets"]["total"], expected);
    let housing = get(&node, "/api/v1/entries?theme=housing").await.json();
    let expected = all
        .values()
        .filter(|d| {
            d["themes"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t == "housing")
        })
        .count();
    assert_eq!(housing["items"].as_array().unwrap().len(), expected);
    let year = audacities_node::time::format_utc(audacities_node::time::now_ms())[..4].to_owned();
    let this_year = get(&node, &format!("/api/v1/entries?year={year}&limit=100"))
        .await
        .json();
    assert_eq!(this_year["items"].as_array().unwrap().len(), ids.len());
    let future = get(&node, "/api/v1/entries?since=2999-01-01").await.json();
    assert!(future["items"].as_array().unwrap().is_empty());

    // Full-text search, ranked, with snippets, in French and English, accents ignored.
    for (q, file) in [
        ("seoul", "02-case_study-en.md"),
        ("deliberations", "06-governance_practice-en.md"),
    ] {
        let found = get(&node, &format!("/api/v1/entries?q={q}")).await.json();
        let items = found["items"].as_array().unwrap();
        assert!(
            items.iter().any(|i| i["id"] == ids[file]),
            "{q} finds {file}: {found}"
        );
        assert!(items[0]["snippet"].as_str().unwrap().contains('['));
    }

    // NDJSON and CSV carry the same entries.
    let nd = get(&node, "/api/v1/entries?format=ndjson&limit=100").await;
    assert_eq!(nd.header("content-type"), Some("application/x-ndjson"));
    assert_eq!(nd.body.lines().count(), ids.len());
    let csv = get(&node, "/api/v1/entries?format=csv&limit=100&text_lang=fr").await;
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), ids.len());
    let seoul = rows
        .iter()
        .find(|r| &r[0] == ids["02-case_study-en.md"].as_str())
        .unwrap();
    let draft = &all["02-case_study-en.md"];
    assert_eq!(
        &seoul[6],
        draft["title"]["fr"].as_str().unwrap(),
        "title in French"
    );
    assert_eq!(&seoul[1], "case_study");

    // Bad parameters are named.
    for (path, code) in [
        ("/api/v1/entries?kind=poem", "bad_parameter"),
        ("/api/v1/entries?limit=0", "bad_parameter"),
        ("/api/v1/entries?limit=5000", "bad_parameter"),
        ("/api/v1/entries?since=yesterday", "bad_parameter"),
        ("/api/v1/entries?city=nope", "bad_parameter"),
        ("/api/v1/entries?format=xml", "bad_parameter"),
        ("/api/v1/entries?cursor=zzz", "bad_cursor"),
        ("/api/v1/entries?q=x&cursor=12.3", "bad_cursor"),
    ] {
        let answer = get(&node, path).await;
        assert_eq!(answer.status, 400, "{path}: {}", answer.body);
        assert_eq!(answer.json()["code"], code, "{path}");
    }
    node.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_entry_its_raw_bytes_links_and_errors() {
    let net = Net::new();
    let node = TestNode::start(&net).await;
    let ids = publish_examples(&node).await;
    let all = examples();

    let id = &ids["05-governance_practice-fr.toml"];
    let detail = get(&node, &format!("/api/v1/entries/{}", &id[..10])).await;
    assert_eq!(detail.status, 200, "{}", detail.body);
    let json = detail.json();
    assert_eq!(json["id"], id.as_str());
    assert_eq!(json["verified"], true);
    assert_eq!(
        json["draft"], all["05-governance_practice-fr.toml"],
        "the draft as published"
    );
    assert_eq!(json["city"], json["signer"]);
    assert_eq!(json["versions"].as_array().unwrap().len(), 1);

    // Raw: the exact signed line, which verifies and has this id.
    let raw = get(&node, &format!("/api/v1/entries/{id}/raw")).await;
    assert_eq!(raw.status, 200);
    let entry = audacities_protocol::Entry::decode(raw.body.as_bytes()).expect("verifies");
    assert_eq!(entry.id().to_string(), *id);

    // Links: the relation refers to its subject and object (placeholders: not stored).
    let relation = get(
        &node,
        &format!("/api/v1/entries/{}", ids["09-actor_relation-fr.toml"]),
    )
    .await
    .json();
    let draft = &all["09-actor_relation-fr.toml"];
    let out: Vec<&str> = relation["links_out"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert!(out.contains(&draft["subject"].as_str().unwrap()));
    assert!(out.contains(&draft["object"].as_str().unwrap()));

    for (path, status, code) in [
        ("/api/v1/entries/0000000000", 404, "not_found"),
        ("/api/v1/entries/abc", 400, "bad_id"),
        ("/api/v1/entries/NOTHEX!!", 400, "bad_id"),
        ("/api/v1/entries/0000000000/raw", 404, "not_found"),
    ] {
        let answer = get(&node, path).await;
        assert_eq!(answer.status, status, "{path}: {}", answer.body);
        assert_eq!(answer.json()["code"], code, "{path}");
    }
    node.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drafts_are_checked_signed_and_refused_with_field_paths() {
    let net = Net::new();
    let node = TestNode::start(&net).await;
    let token = token(&node);
    let auth = format!("Bearer {token}");
    let mut draft = examples()["05-governance_practice-fr.toml"].clone();
    draft["place"]["country"] = serde_json::json!("France");
    let body = serde_json::to_vec(&draft).unwrap();

    let no_token = request(&node, "POST", "/api/v1/entries", &[], &body).await;
    assert_eq!(no_token.status, 401);
    assert_eq!(no_token.json()["code"], "token_required");

    let invalid = request(
        &node,
        "POST",
        "/api/v1/entries",
        &[("Authorization", &auth), ("Accept-Language", "fr-FR")],
        &body,
    )
    .await;
    assert_eq!(invalid.status, 422, "{}", invalid.body);
    let json = invalid.json();
    assert_eq!(json["code"], "invalid_draft");
    let problems = json["problems"].as_array().unwrap();
    assert!(
        problems.iter().any(|p| p["path"] == "place.country"),
        "{json}"
    );
    assert_eq!(node.count().await, 0, "nothing stored");

    // The same draft, fixed, is signed by the node's city key.
    draft["place"]["country"] = serde_json::json!("FR");
    let body = serde_json::to_vec(&draft).unwrap();
    let ok = request(
        &node,
        "POST",
        "/api/v1/entries",
        &[("Authorization", &auth)],
        &body,
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    let id = ok.json()["id"].as_str().unwrap().to_owned();
    let detail = get(&node, &format!("/api/v1/entries/{id}")).await.json();
    assert_eq!(
        detail["city"].as_str().unwrap(),
        node.node().shared().ctx.hello.city.to_string()
    );
    assert_eq!(detail["draft"], draft);

    // Over the body cap: 413 before anything is read into an entry.
    let huge = vec![b'x'; audacities_node::api::MAX_BODY_BYTES + 1];
    let answer = request(
        &node,
        "POST",
        "/api/v1/entries",
        &[("Authorization", &auth)],
        &huge,
    )
    .await;
    assert_eq!(answer.status, 413, "{:.200}", answer.body);
    assert_eq!(node.count().await, 1);
    node.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_feed_cors_and_host_rules() {
    let net = Net::new();
    let node = TestNode::start(&net).await;
    let ids = publish_examples(&node).await;

    let doc = get(&node, "/api/v1/openapi.json").await.json();
    for path in [
        "/api/v1/status",
        "/api/v1/peers",
        "/api/v1/entries",
        "/api/v1/entries/{id}",
        "/api/v1/entries/{id}/raw",
        "/api/v1/trust",
        "/api/v1/trust/{city}",
        "/feed.atom",
    ] {
        assert!(doc["paths"].get(path).is_some(), "openapi documents {path}");
    }

    let peers = get(&node, "/api/v1/peers").await;
    assert_eq!(peers.status, 200);
    assert!(
        peers.json().as_array().is_some_and(Vec::is_empty),
        "no peer yet"
    );
    let map = get(&node, "/api/v1/actor-map").await.json();
    assert_eq!(map["relations"].as_array().map(Vec::len), Some(2));
    let cards = get(&node, "/api/v1/scenarios").await.json();
    assert_eq!(
        cards[0]["scenario_kind"], "extreme",
        "extreme first: {cards}"
    );
    assert_eq!(cards.as_array().map(Vec::len), Some(2));

    let feed = get(&node, "/feed.atom?kind=scenario").await;
    assert!(
        feed.header("content-type")
            .unwrap()
            .starts_with("application/atom+xml")
    );
    let entries = feed.body.matches("<entry>").count();
    assert_eq!(entries, 2, "{}", feed.body);
    assert!(feed.body.contains(&ids["03-scenario-fr.md"]));
    assert!(!feed.body.contains(&ids["05-governance_practice-fr.toml"]));

    // No CORS header, even when a page from elsewhere asks.
    for path in ["/api/v1/status", "/api/v1/entries", "/"] {
        let answer = request(
            &node,
            "GET",
            path,
            &[("Origin", "https://evil.example")],
            b"",
        )
        .await;
        assert!(
            answer.header("access-control-allow-origin").is_none(),
            "{path}"
        );
    }
    // Pages refuse a foreign Host as the API does.
    let port = node.node().api_addr().port();
    let evil = format!("evil.example:{port}");
    for path in ["/", "/entries", "/publish"] {
        let answer = request(&node, "GET", path, &[("Host", &evil)], b"").await;
        assert_eq!(answer.status, 403, "{path}");
    }
    node.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_show_what_was_published_in_french_and_english() {
    let net = Net::new();
    let node = TestNode::start(&net).await;
    let ids = publish_examples(&node).await;
    let all = examples();

    let home_fr = request(
        &node,
        "GET",
        "/",
        &[("Accept-Language", "fr-FR,fr;q=0.9")],
        b"",
    )
    .await;
    assert_eq!(home_fr.status, 200);
    assert!(home_fr.body.contains("<html lang=\"fr\">"));
    assert!(home_fr.body.contains("Connecté à aucun pair"));
    assert!(
        home_fr
            .body
            .contains(&format!("id=\"entry-count\">{}<", ids.len()))
    );
    let home_en = get(&node, "/").await;
    assert!(home_en.body.contains("<html lang=\"en\">"));
    assert!(home_en.body.contains("Not connected to any peer"));
    // The switch sets a cookie, which then wins over Accept-Language.
    let switched = get(&node, "/?ui=fr").await;
    let cookie = switched.header("set-cookie").expect("the language cookie");
    assert!(cookie.starts_with("audacities_lang=fr"), "{cookie}");
    let kept = request(
        &node,
        "GET",
        "/entries",
        &[("Cookie", "audacities_lang=fr")],
        b"",
    )
    .await;
    assert!(kept.body.contains("<html lang=\"fr\">"));

    // Search highlights the match; the entry page shows its text in the reader's language,
    // the publishing city, the verified signature, the raw JSON and its JSON twin.
    let search = get(&node, "/search?q=s%C3%A9oul").await;
    assert!(search.body.contains("<mark>"), "{:.2000}", search.body);
    assert!(search.body.contains(&ids["02-case_study-en.md"]));
    let id = &ids["02-case_study-en.md"];
    let draft = &all["02-case_study-en.md"];
    let fr = request(
        &node,
        "GET",
        &format!("/entries/{id}"),
        &[("Accept-Language", "fr")],
        b"",
    )
    .await;
    assert_eq!(fr.status, 200);
    let title_fr = draft["title"]["fr"].as_str().unwrap();
    assert!(
        fr.body.contains(&html_escape(title_fr)),
        "French title shown"
    );
    assert!(fr.body.contains("Signature vérifiée"));
    assert!(fr.body.contains(&format!("href=\"/api/v1/entries/{id}\"")));
    let en = get(&node, &format!("/entries/{id}")).await;
    assert!(
        en.body
            .contains(&html_escape(draft["title"]["en"].as_str().unwrap()))
    );
    assert!(en.body.contains("Signature verified"));

    // Actor map, scenarios (extreme first), publish form, peers, trust: all render.
    let actors = get(&node, "/actors").await;
    assert!(actors.body.contains("id=\"actor-map\""));
    assert_eq!(
        actors.body.matches("class=\"relation\"").count(),
        all.values()
            .filter(|d| d["kind"] == "actor_relation")
            .count()
    );
    let scenarios = get(&node, "/scenarios").await;
    let extreme = scenarios.body.find(&ids["03-scenario-fr.md"]).unwrap();
    let exploratory = scenarios.body.find(&ids["04-scenario-en.json"]).unwrap();
    assert!(extreme < exploratory, "extreme scenarios first");
    for path in [
        "/publish?kind=governance_practice",
        "/peers",
        "/trust",
        "/entries?kind=actor",
    ] {
        let page = get(&node, path).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(
            page.body.contains("id=\"json-twin\""),
            "{path} links its JSON twin"
        );
    }
    let missing = get(&node, "/entries/0000000000").await;
    assert_eq!(missing.status, 404);
    node.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_publish_form_needs_the_token_cookie_and_escapes_what_it_shows() {
    let net = Net::new();
    let node = TestNode::start(&net).await;
    let token = token(&node);

    let wrong = request(
        &node,
        "POST",
        "/publish/token",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        b"token=nope",
    )
    .await;
    assert!(wrong.header("set-cookie").is_none());
    let saved = request(
        &node,
        "POST",
        "/publish/token",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        format!("token={token}&back=/publish").as_bytes(),
    )
    .await;
    assert_eq!(saved.status, 303);
    let cookie = saved.header("set-cookie").expect("token cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    let cookie_pair = cookie.split(';').next().unwrap().to_owned();

    let form = "kind=method&lang=en&title.en=%3Cscript%3Ealert(1)%3C%2Fscript%3E+survey&licence=CC-BY-4.0\
                &themes=health&method_type=survey&purpose.en=Understand&steps.en=Ask&action=publish";
    let without = request(
        &node,
        "POST",
        "/publish?kind=method",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        form.as_bytes(),
    )
    .await;
    assert_eq!(
        node.count().await,
        0,
        "no token, nothing published: {:.300}",
        without.body
    );
    let published = request(
        &node,
        "POST",
        "/publish?kind=method",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", &cookie_pair),
        ],
        form.as_bytes(),
    )
    .await;
    assert_eq!(published.status, 303, "{:.3000}", published.body);
    let location = published.header("location").unwrap().to_owned();
    assert!(location.starts_with("/entries/"));
    assert_eq!(node.count().await, 1);
    let page = get(&node, &location).await;
    assert!(
        page.body.contains("&#60;script&#62;alert(1)"),
        "the title, escaped"
    );
    assert!(!page.body.contains("<script>alert(1)"));
    node.stop().await;
}

fn html_escape(text: &str) -> String {
    audacities_node::ui::html::escape(text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_is_given_only_to_configured_origins() {
    let net = Net::new();
    let allowed = "https://observatoire.example";
    let node = TestNode::start_with(
        &net,
        Setup {
            cors_origins: vec![allowed.to_owned()],
            ..Setup::named("cors")
        },
    )
    .await;
    let answer = request(&node, "GET", "/api/v1/entries", &[("Origin", allowed)], b"").await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("access-control-allow-origin"), Some(allowed));
    assert_eq!(answer.header("vary"), Some("Origin"));
    let other = request(
        &node,
        "GET",
        "/api/v1/entries",
        &[("Origin", "https://evil.example")],
        b"",
    )
    .await;
    assert!(other.header("access-control-allow-origin").is_none());
    let preflight = request(
        &node,
        "OPTIONS",
        "/api/v1/entries",
        &[
            ("Origin", allowed),
            ("Access-Control-Request-Method", "POST"),
        ],
        b"",
    )
    .await;
    assert_eq!(preflight.status, 204);
    assert!(
        preflight
            .header("access-control-allow-headers")
            .is_some_and(|h| h.contains("Authorization"))
    );
    // CORS never lifts the token rule.
    let post = request(
        &node,
        "POST",
        "/api/v1/entries",
        &[("Origin", allowed)],
        b"{}",
    )
    .await;
    assert_eq!(post.status, 401);
    node.stop().await;
}

/// The token cookie, as the web UI sets it.
async fn token_cookie(node: &TestNode) -> String {
    let saved = request(
        node,
        "POST",
        "/publish/token",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        format!("token={}&back=/institution", token(node)).as_bytes(),
    )
    .await;
    let cookie = saved.header("set-cookie").expect("token cookie");
    cookie.split(';').next().unwrap().to_owned()
}

async fn post_form(
    node: &TestNode,
    path: &str,
    cookie: &str,
    form: &str,
) -> audacities_tests::http::Answer {
    request(
        node,
        "POST",
        path,
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", cookie),
        ],
        form.as_bytes(),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_institution_page_delegates_and_revokes_and_entry_pages_endorse_and_retract() {
    let net = Net::new();
    let node = TestNode::start(&net).await;
    let staff = audacities_tests::city(77).public().to_string();

    // Without the token: the page shows, the forms ask for it, nothing is signed.
    let page = get(&node, "/institution?ui=fr").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Délégations"), "{:.2000}", page.body);
    let refused = request(
        &node,
        "POST",
        "/institution",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        format!("action=delegate&key={staff}&kinds=scenario&until=2099-12-31").as_bytes(),
    )
    .await;
    assert!(
        !refused.body.contains(&staff),
        "nothing delegated without the token"
    );

    let cookie = token_cookie(&node).await;
    let profile = post_form(
        &node,
        "/institution",
        &cookie,
        "action=profile&name=Ville+de+Lyon&country=fr&website=https%3A%2F%2Fwww.lyon.fr&languages=fr%2Cen&contact=",
    )
    .await;
    assert_eq!(profile.status, 303, "{:.2000}", profile.body);
    let delegated = post_form(
        &node,
        "/institution",
        &cookie,
        &format!(
            "action=delegate&key={staff}&kinds=scenario&kinds=case_study&until=2099-12-31&label=Service+innovation"
        ),
    )
    .await;
    assert_eq!(delegated.status, 303, "{:.2000}", delegated.body);
    let page = get(&node, "/institution?ui=en").await;
    assert!(page.body.contains("Ville de Lyon"));
    assert!(page.body.contains(&staff) && page.body.contains("Service innovation"));
    assert!(page.body.contains(">active<"), "{:.3000}", page.body);
    let revoked = post_form(
        &node,
        "/institution",
        &cookie,
        &format!("action=revoke&key={staff}&since="),
    )
    .await;
    assert_eq!(revoked.status, 303);
    assert!(
        get(&node, "/institution?ui=en")
            .await
            .body
            .contains(">revoked<")
    );

    // An entry of this city: endorse it, then retract it.
    let own = audacities_protocol::Entry::sign(
        &audacities_tests::draft(4_242),
        node.home.signing_key(),
        audacities_node::time::now_ms(),
        None,
    )
    .expect("sign");
    let ids = node.publish(vec![own.into_bytes()]).await;
    let path = format!("/entries/{}", ids[0]);
    let endorsed = post_form(
        &node,
        &format!("{path}/act"),
        &cookie,
        "action=endorse&adopted=on&note=Adopt%C3%A9e",
    )
    .await;
    assert_eq!(endorsed.status, 303, "{:.2000}", endorsed.body);
    let page = get(&node, &format!("{path}?ui=en")).await;
    assert!(page.body.contains("adopted by"), "{:.4000}", page.body);
    // Fixed from the page: a new version, from the draft edited as JSON.
    let mut draft = audacities_tests::draft(4_242).value().clone();
    draft["title"]["en"] = serde_json::json!("Civic use, corrected");
    let form = format!(
        "action=revise&draft={}",
        url_encode(&serde_json::to_string(&draft).unwrap())
    );
    let revised = post_form(&node, &format!("{path}/act"), &cookie, &form).await;
    assert_eq!(revised.status, 303, "{:.2000}", revised.body);
    let new_path = revised.header("location").unwrap().to_owned();
    assert_ne!(new_path, path);
    assert!(
        get(&node, &format!("{new_path}?ui=en"))
            .await
            .body
            .contains("Civic use, corrected")
    );
    let old_page = get(&node, &format!("{path}?ui=en")).await;
    assert!(
        old_page.body.contains("id=\"newer\""),
        "the old version points to the new one"
    );
    let retracted = post_form(
        &node,
        &format!("{path}/act"),
        &cookie,
        "action=retract&reason=Erreur+de+saisie",
    )
    .await;
    assert_eq!(retracted.status, 303, "{:.2000}", retracted.body);
    let gone = get(&node, &format!("{path}?ui=fr")).await;
    assert_eq!(gone.status, 410, "{:.2000}", gone.body);
    assert_eq!(
        get(&node, &new_path).await.status,
        410,
        "every version is erased"
    );
    assert!(gone.body.contains("Erreur de saisie") && gone.body.contains("Retirée"));
    let api = get(&node, &format!("/api/v1{path}")).await;
    assert_eq!(api.status, 410);
    let body = api.json();
    assert_eq!(body["code"], "retracted", "{body}");
    assert_eq!(body["reason"], "Erreur de saisie");
    assert!(
        body["erased_by"].is_array(),
        "the author sees who confirmed: {body}"
    );
    node.stop().await;
}

/// Percent-encodes a form value.
fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
