//! The browser bundle under `/pkg/` (WASM, JS, CSS): sent as the brotli or gzip file
//! `cargo leptos build --release --precompress` wrote beside it, and cached by browsers for
//! good when its name carries its content hash (`hash-files` in Cargo.toml), so a returning
//! visitor on a slow connection downloads it once per release.
use axum::Router;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::{HeaderValue, StatusCode, header};
use leptos::config::LeptosOptions;
use std::path::Path;
use tower_http::services::ServeDir;

/// The bundle's folder under the site root, and its files' name before hash and extension.
pub const PKG_DIR: &str = "pkg";
pub const OUTPUT_NAME: &str = "groundwork";

/// A hashed name never changes content: no revalidation for a year.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// An unhashed name (a build without `hash-files`, wasm-bindgen's snippets) may change content
/// under the same URL: browsers ask again each time and get 304 while it has not.
const REVALIDATE: &str = "no-cache";

/// Serves `site_root/pkg`, to be nested at `/pkg`. Without a precompressed variant (debug
/// builds) ServeDir sends the plain file, which the app's compression layer may compress.
pub fn bundle(options: &LeptosOptions) -> Router {
    let dir = Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    Router::new()
        .fallback_service(ServeDir::new(dir).precompressed_br().precompressed_gzip())
        .layer(axum::middleware::from_fn(cache_control))
}

async fn cache_control(request: Request, next: Next) -> Response {
    let hashed = has_content_hash(request.uri().path());
    let mut response = next.run(request).await;
    let found = response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
    if found {
        let policy = if hashed { IMMUTABLE } else { REVALIDATE };
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

/// cargo-leptos names a hashed file `stem.HASH.ext`, HASH being the MD5 of its content in
/// unpadded base64url (22 characters).
fn has_content_hash(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let mut parts = name.rsplit('.');
    let (Some(_ext), Some(hash), Some(stem)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !stem.is_empty()
        && hash.len() == 22
        && hash
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether the site was built with hashed names (`cargo leptos build`). A server binary built
/// by plain `cargo build`, and the test binaries, find no hash file and use the plain names.
pub fn names_are_hashed() -> bool {
    crate::app::islands::hash_file().is_some_and(|file| file.exists())
}

/// The stylesheet's URL, for pages rendered outside Leptos (static error pages).
pub fn stylesheet_href() -> String {
    crate::app::islands::bundle_href("css")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_cargo_leptos_hashed_names_count_as_hashed() {
        let cases = [
            ("/groundwork.Xy3_-abcdefghijklmnopq.wasm", true),
            ("/pkg/groundwork.Xy3_-abcdefghijklmnopq.css", true),
            ("/groundwork.wasm", false),
            ("/groundwork_bg.wasm", false),
            ("/.Xy3_-abcdefghijklmnopq.js", false),
            ("/groundwork.Xy3_-abcdefghijklmnop.js", false),
            ("/groundwork.Xy3_-abcdefghijklm+opq.js", false),
            ("/snippets/leptos-0a1b2c3d4e5f6a7b/inline0.js", false),
        ];
        for (path, expected) in cases {
            assert_eq!(has_content_hash(path), expected, "{path}");
        }
    }
}
