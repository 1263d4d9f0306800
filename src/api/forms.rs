//! Forms that work with and without JavaScript: errors come back either as the action's
//! value (JavaScript) or in the query string after a redirect (plain form post), and what
//! was typed comes back with them. This is the server's half, the redirect back to the form;
//! the pages read the query string with `app::components::alerts`.
use crate::error::AppError;

/// The path and query of a same-site URL (absolute or relative), for going back to a form.
pub fn same_site_path(url: &str) -> Option<String> {
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map(|i| &rest[i..]).unwrap_or("/"),
        None => url,
    };
    // The same rule as a `next` after signing in: the path is where the browser is sent.
    crate::api::accounts::is_same_site_path(path).then(|| path.to_string())
}

/// How much of each field a form posted without JavaScript gets back after an error.
pub const KEPT_MAX: usize = 4_000;

/// `back` with `error=` and the kept fields in its query string (replacing old ones).
pub fn with_error(back: &str, error: &AppError, keep: &[(&str, &str)]) -> String {
    let (back, fragment) = back.split_once('#').unwrap_or((back, ""));
    let (path, query) = back.split_once('?').unwrap_or((back, ""));
    let replaced: Vec<&str> = keep.iter().map(|(k, _)| *k).chain(["error"]).collect();
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        if !replaced.contains(&k.as_ref()) {
            out.append_pair(&k, &v);
        }
    }
    out.append_pair("error", &error.to_query_value());
    for (k, v) in keep {
        // Long values would make a URL some servers refuse; the user keeps what fits (with
        // JavaScript the form never leaves the page, so nothing is cut).
        let v: String = v.chars().take(KEPT_MAX).collect();
        if !v.is_empty() {
            out.append_pair(k, &v);
        }
    }
    let fragment = if fragment.is_empty() {
        String::new()
    } else {
        format!("#{fragment}")
    };
    format!("{path}?{}{fragment}", out.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Problem;

    #[test]
    fn same_site_paths() {
        assert_eq!(
            same_site_path("http://127.0.0.1:3000/login?next=/admin").as_deref(),
            Some("/login?next=/admin")
        );
        assert_eq!(same_site_path("https://gw.example").as_deref(), Some("/"));
        assert_eq!(same_site_path("/admin").as_deref(), Some("/admin"));
        assert_eq!(same_site_path("//evil.example/x"), None);
        assert_eq!(same_site_path("javascript:alert(1)"), None);
        assert_eq!(same_site_path("http://gw.example/\t/evil.example"), None);
        assert_eq!(same_site_path("/\\evil.example"), None);
    }

    #[test]
    fn error_and_fields_replace_old_ones() {
        let error = AppError::invalid("email", Problem::InvalidEmail);
        let url = with_error(
            "/login?next=%2Fadmin&error=old&email=old#top",
            &error,
            &[("email", "a b&c")],
        );
        assert!(url.starts_with("/login?next=%2Fadmin&error="), "{url}");
        assert!(url.contains("email=a+b%26c"), "{url}");
        assert!(!url.contains("old"), "{url}");
        assert!(url.ends_with("#top"), "{url}");
        assert!(url.is_ascii());
    }
}
