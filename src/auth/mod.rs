//! Who is calling: sessions, the current-member layer, and role checks for `api/`.
pub mod attempts;
pub mod password;
pub mod token;

use crate::config::TrustedProxies;
use crate::domain::accounts::{Role, SessionMember};
use crate::error::AppError;
use http::HeaderMap;
use http::request::Parts;
use std::net::IpAddr;

pub const SESSION_COOKIE: &str = "gw_session";

/// Put in request extensions by [`session_layer`] for every request.
#[derive(Debug, Clone, Default)]
pub struct CurrentSession {
    pub member: Option<SessionMember>,
    /// Digest of the session token (the record key), when signed in.
    pub token_hash: Option<String>,
}

pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

pub fn session_from_parts(parts: &Parts) -> CurrentSession {
    parts
        .extensions
        .get::<CurrentSession>()
        .cloned()
        .unwrap_or_default()
}

/// The signed-in member, or Unauthorized.
pub fn require_member(parts: &Parts) -> Result<SessionMember, AppError> {
    session_from_parts(parts)
        .member
        .ok_or(AppError::Unauthorized)
}

/// The signed-in member with at least `role`, or Unauthorized/Forbidden.
pub fn require_role(parts: &Parts, role: Role) -> Result<SessionMember, AppError> {
    let member = require_member(parts)?;
    if member.role.at_least(role) {
        Ok(member)
    } else {
        Err(AppError::Forbidden)
    }
}

/// A cookie's name as sent: over HTTPS with the `__Host-` prefix, which browsers accept only
/// from a secure origin, for this host alone (no `Domain`), on every path; so neither a
/// sibling subdomain nor a plain-http page can plant or overwrite it.
pub fn cookie_name(name: &str, secure: bool) -> String {
    if secure {
        format!("__Host-{name}")
    } else {
        name.to_string()
    }
}

/// An HttpOnly cookie for the whole site: `Secure` and `__Host-` when served over HTTPS.
pub fn site_cookie(name: &str, value: &str, same_site: &str, max_age: i64, secure: bool) -> String {
    let flag = if secure { "; Secure" } else { "" };
    format!(
        "{}={value}; Path=/; HttpOnly; SameSite={same_site}; Max-Age={max_age}{flag}",
        cookie_name(name, secure)
    )
}

pub fn session_cookie(token: &str, max_age_days: i64, secure: bool) -> String {
    site_cookie(SESSION_COOKIE, token, "Lax", max_age_days * 86_400, secure)
}

pub fn clear_session_cookie(secure: bool) -> String {
    site_cookie(SESSION_COOKIE, "", "Lax", 0, secure)
}

/// The client address for throttling (see [`client_ip`]).
pub fn client_address(parts: &Parts, trusted: &TrustedProxies) -> String {
    let Some(peer) = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip())
    else {
        return "unknown".into();
    };
    let hops: Vec<&str> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    client_ip(peer, &hops, trusted).to_string()
}

/// Who sent the request: the connection's peer, unless the peer is a trusted proxy; then
/// X-Forwarded-For is read from the right (each proxy appends whom it heard from), past
/// every trusted proxy, and the first address no trusted proxy vouches for is the client.
/// Anything further left was written by the client itself and means nothing.
pub fn client_ip(peer: IpAddr, forwarded_for: &[&str], trusted: &TrustedProxies) -> IpAddr {
    let mut client = peer.to_canonical();
    for hop in forwarded_for
        .iter()
        .rev()
        .map(|hop| hop.trim())
        .filter(|hop| !hop.is_empty())
    {
        if !trusted.contains(client) {
            break;
        }
        // Some proxies add the client's port; a hop that is no address at all ends the walk
        // at the proxy that passed it on.
        let Some(address) = hop
            .parse::<IpAddr>()
            .ok()
            .or_else(|| hop.parse::<std::net::SocketAddr>().ok().map(|s| s.ip()))
        else {
            break;
        };
        client = address.to_canonical();
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_cookie_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::COOKIE,
            "a=1; gw_session=abc; b=2".parse().unwrap(),
        );
        assert_eq!(cookie_value(&headers, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie_value(&headers, "c"), None);
    }

    #[test]
    fn cookie_flags() {
        let c = session_cookie("t", 14, true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure"));
        assert!(c.contains("Max-Age=1209600"));
        assert!(!session_cookie("t", 1, false).contains("Secure"));
        assert!(c.starts_with("__Host-gw_session=t; Path=/;"), "{c}");
        assert!(!c.contains("Domain"), "{c}");
        assert!(session_cookie("t", 1, false).starts_with("gw_session=t;"));
        let cleared = clear_session_cookie(true);
        assert!(cleared.starts_with("__Host-gw_session=;") && cleared.contains("Max-Age=0"));
    }

    #[test]
    fn the_client_is_the_rightmost_hop_no_trusted_proxy_vouches_for() {
        let none = TrustedProxies::default();
        let local = TrustedProxies::parse("127.0.0.1, ::1").unwrap();
        let chain = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8").unwrap();
        let cases: &[(&TrustedProxies, &str, &[&str], &str)] = &[
            // No proxies configured: the connection is the client, whatever it claims.
            (&none, "127.0.0.1", &["1.2.3.4"], "127.0.0.1"),
            (&none, "198.51.100.1", &["1.2.3.4"], "198.51.100.1"),
            (&none, "198.51.100.1", &[], "198.51.100.1"),
            // A trusted proxy names its peer; what the client wrote before that is ignored.
            (&local, "127.0.0.1", &["1.2.3.4"], "1.2.3.4"),
            (&local, "127.0.0.1", &["6.6.6.6, 1.2.3.4"], "1.2.3.4"),
            (&local, "127.0.0.1", &["6.6.6.6", "1.2.3.4"], "1.2.3.4"),
            (&local, "127.0.0.1", &[" 1.2.3.4:5678 "], "1.2.3.4"),
            (&local, "::1", &["2001:db8::7"], "2001:db8::7"),
            (&local, "::ffff:127.0.0.1", &["1.2.3.4"], "1.2.3.4"),
            (&local, "127.0.0.1", &[], "127.0.0.1"),
            // Not from a trusted proxy: the header means nothing.
            (&local, "198.51.100.1", &["1.2.3.4"], "198.51.100.1"),
            // A chain of trusted proxies: walk left past each of them.
            (
                &chain,
                "127.0.0.1",
                &["6.6.6.6, 1.2.3.4, 10.0.0.5, 10.1.2.3"],
                "1.2.3.4",
            ),
            (&chain, "127.0.0.1", &["10.0.0.5"], "10.0.0.5"),
            // A hop that is no address stops the walk at the last proxy that passed it on.
            (
                &chain,
                "127.0.0.1",
                &["6.6.6.6, nonsense, 10.0.0.5"],
                "10.0.0.5",
            ),
            (&chain, "127.0.0.1", &["nonsense"], "127.0.0.1"),
            (&chain, "127.0.0.1", &["1.2.3.4, "], "1.2.3.4"),
        ];
        for (trusted, peer, header, expected) in cases {
            let peer: IpAddr = peer.parse().unwrap();
            let hops: Vec<&str> = header.iter().flat_map(|v| v.split(',')).collect();
            assert_eq!(
                client_ip(peer, &hops, trusted).to_string(),
                *expected,
                "{trusted} {peer} {header:?}"
            );
        }
    }

    proptest::proptest! {
        /// Whatever a client writes in X-Forwarded-For, a peer that is no trusted proxy is the
        /// client; behind a trusted proxy, what the client wrote left of the hop the proxy saw
        /// changes nothing.
        #[test]
        fn a_client_cannot_choose_its_address(
            header in "[0-9a-f.:, \\[\\]x-]{0,80}",
            real in proptest::array::uniform4(0u8..=255),
        ) {
            let proxy = crate::config::TrustedProxies::parse("127.0.0.1").unwrap();
            let hops: Vec<&str> = header.split(',').collect();
            let untrusted: IpAddr = "198.51.100.9".parse().unwrap();
            proptest::prop_assert_eq!(client_ip(untrusted, &hops, &proxy), untrusted);

            let real = IpAddr::from(real);
            proptest::prop_assume!(!proxy.contains(real));
            let seen = real.to_string();
            let mut written: Vec<&str> = hops.clone();
            written.push(&seen);
            let loopback: IpAddr = "127.0.0.1".parse().unwrap();
            proptest::prop_assert_eq!(client_ip(loopback, &written, &proxy), real);
        }
    }
}
