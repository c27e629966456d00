//! The page's credential: HTTP Basic (RFC 7617) with the password of `--admin-password-file`,
//! any user name, compared in constant time.

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::HeaderValue;
use subtle::ConstantTimeEq;

/// The challenge of a 401: a browser asks for a user name and password by itself.
pub(crate) const CHALLENGE: &str = "Basic realm=\"mediadiag\", charset=\"UTF-8\"";

/// The admin password, kept as its SHA-256 digest: comparing digests takes the same time
/// whatever the length of the password tried, and the password itself is not kept in memory.
pub(crate) struct Password {
    digest: [u8; 32],
}

impl Password {
    /// The password in the file at `path`: its first line, without the line break. An empty
    /// one is refused: it would be guessed at once.
    pub(crate) fn read(path: &Path) -> Result<Password, String> {
        let text = std::fs::read_to_string(path).map_err(|error| error.to_string())?;
        let password = text.lines().next().unwrap_or("");
        if password.is_empty() {
            return Err("the file's first line, the password, is empty".to_owned());
        }
        Ok(Password::new(password))
    }

    pub(crate) fn new(password: &str) -> Password {
        Password { digest: digest(password.as_bytes()) }
    }

    /// Whether `authorization` (the header's value) is `Basic` with this password, whatever
    /// the user name.
    pub(crate) fn admits(&self, authorization: Option<&HeaderValue>) -> bool {
        let Some(credentials) = authorization.and_then(|value| value.to_str().ok()) else { return false };
        let Some((scheme, encoded)) = credentials.trim().split_once(' ') else { return false };
        if !scheme.eq_ignore_ascii_case("basic") {
            return false;
        }
        let Ok(decoded) = STANDARD.decode(encoded.trim()) else { return false };
        // The user name ends at the first colon (RFC 7617); the password may hold colons.
        let Some(colon) = decoded.iter().position(|byte| *byte == b':') else { return false };
        bool::from(digest(&decoded[colon + 1..]).ct_eq(&self.digest))
    }
}

fn digest(bytes: &[u8]) -> [u8; 32] {
    let mut digest = [0; 32];
    digest.copy_from_slice(ring::digest::digest(&ring::digest::SHA256, bytes).as_ref());
    digest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(credentials: &str) -> HeaderValue {
        HeaderValue::from_str(&format!("Basic {}", STANDARD.encode(credentials))).unwrap()
    }

    #[test]
    fn any_user_with_the_password_is_admitted() {
        let password = Password::new("s3cret:with colon");
        assert!(password.admits(Some(&basic("admin:s3cret:with colon"))));
        assert!(password.admits(Some(&basic("alice:s3cret:with colon"))));
        assert!(password.admits(Some(
            &HeaderValue::from_str(&format!("basic  {}", STANDARD.encode(":s3cret:with colon"))).unwrap()
        )));
        assert!(!password.admits(Some(&basic("admin:s3cret"))));
        assert!(!password.admits(Some(&basic("s3cret:with colon"))), "the first colon ends the user name");
        assert!(!password.admits(Some(&HeaderValue::from_static("Bearer s3cret"))));
        assert!(!password.admits(Some(&HeaderValue::from_static("Basic !!!"))));
        assert!(!password.admits(None));
    }

    #[test]
    fn the_file_gives_its_first_line_and_an_empty_password_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("password");
        std::fs::write(&path, "hunter2\n").unwrap();
        assert!(Password::read(&path).unwrap().admits(Some(&basic("x:hunter2"))));
        std::fs::write(&path, "\n").unwrap();
        assert!(Password::read(&path).is_err());
    }
}
