//! The browser bundle under /pkg/: cached for good only under hashed names, sent as the
//! precompressed variant the client accepts.
use crate::helpers::*;

const HASHED_WASM: &str = "groundwork.AbCdEfGhIjKlMnOpQrSt_-.wasm";

#[tokio::test]
async fn the_bundle_is_cached_for_good_and_sent_precompressed() {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    let plain = b"\0asm plain bytes of the bundle, long enough to be worth compressing".to_vec();
    // Not real brotli: proves the file on disk is sent, not a per-request compression.
    let brotli = b"precompressed brotli bytes".to_vec();
    std::fs::write(pkg.join(HASHED_WASM), &plain).unwrap();
    std::fs::write(pkg.join(format!("{HASHED_WASM}.br")), &brotli).unwrap();
    std::fs::write(pkg.join("groundwork.css"), "main { margin: 0 }").unwrap();
    let app = TestApp::spawn_with_site_root(site.path()).await;
    let url = app.url(&format!("/pkg/{HASHED_WASM}"));

    let response = TestApp::client()
        .get(&url)
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(response.headers()["content-encoding"], "br");
    assert_eq!(response.headers()["content-type"], "application/wasm");
    assert_eq!(response.bytes().await.unwrap().as_ref(), brotli);

    // A client that accepts no encoding gets the plain file, cached the same way.
    let response = TestApp::client().get(&url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("content-encoding").is_none());
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(response.bytes().await.unwrap().as_ref(), plain);

    // A name without a hash may change content: browsers must ask again.
    let response = TestApp::client()
        .get(app.url("/pkg/groundwork.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-cache");

    let response = TestApp::client()
        .get(app.url("/pkg/missing.AbCdEfGhIjKlMnOpQrSt_-.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert!(response.headers().get("cache-control").is_none());

    let page = app.get("/", None).await;
    assert_eq!(page.status(), 200);
    let page_cache = page.headers().get("cache-control");
    assert!(
        page_cache.is_none_or(|value| !value.to_str().unwrap().contains("immutable")),
        "{page_cache:?}"
    );
}
