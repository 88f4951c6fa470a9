//! The browser build is served precompressed: brotli to browsers that
//! accept it, else gzip, else the file itself.

use crate::support::{Backend, TestApp};
use reqwest::header::{ACCEPT_ENCODING, CONTENT_ENCODING};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bundle_is_served_precompressed() {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    for (name, body) in [
        ("potions.js", "plain"),
        ("potions.js.br", "brotli"),
        ("potions.js.gz", "gzip"),
    ] {
        std::fs::write(pkg.join(name), body).unwrap();
    }
    let root = site.path().to_path_buf();
    let app = TestApp::spawn_with(Backend::Sqlite, move |s| s.site_root = root)
        .await
        .unwrap();
    for (accepts, encoding, body) in [
        ("br, gzip", Some("br"), "brotli"),
        ("gzip", Some("gzip"), "gzip"),
        ("identity", None, "plain"),
    ] {
        let res = app
            .client
            .get(app.url("/pkg/potions.js"))
            .header(ACCEPT_ENCODING, accepts)
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "{accepts}");
        assert_eq!(
            res.headers()
                .get(CONTENT_ENCODING)
                .and_then(|v| v.to_str().ok()),
            encoding,
            "{accepts}"
        );
        // reqwest here decodes nothing: the stored bytes arrive as they are.
        assert_eq!(res.text().await.unwrap(), body, "{accepts}");
    }
}
