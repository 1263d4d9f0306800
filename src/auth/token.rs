//! Random tokens for session cookies and invitation links, and the digests we store.
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// 256 random bits, URL-safe.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Hex sha256: safe as a SurrealDB record key and in URLs.
pub fn digest(token: &str) -> String {
    let hash = Sha256::digest(token.as_bytes());
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

/// Tokens we issued are 43 URL-safe characters; anything else is not worth a query.
pub fn looks_valid(token: &str) -> bool {
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_and_well_formed() {
        let a = new_token();
        assert!(looks_valid(&a));
        assert_ne!(a, new_token());
        assert_eq!(digest(&a).len(), 64);
        assert!(!looks_valid("short"));
        assert!(!looks_valid(&format!("{}!", &a[..42])));
    }
}
