//! Apps: Android package names and signing-certificate SHA-256 digests.
//!
//! Fraud apps are matched by package name and by the certificate they are signed with: a
//! repackaged app changes its name far more easily than its signing key.
//!
//! # Keys
//!
//! Stable: a package name's key is `xxh3_64` of its bytes; a certificate's key is the first
//! eight bytes of the digest, big-endian (the digest is already uniformly distributed).

use std::fmt;
use std::str::FromStr;

use crate::ErrorCode;

/// Why a package name or certificate digest was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppError {
    #[error("package name is empty")]
    PackageEmpty,
    #[error("package name is longer than 255 characters")]
    PackageTooLong,
    #[error("package name needs at least two dot-separated segments")]
    PackageOneSegment,
    #[error("package name segment must start with a letter and hold only letters, digits and '_'")]
    PackageSegment,
    #[error("certificate digest must be 64 hex digits, optionally in colon-separated pairs")]
    CertInvalid,
}

impl ErrorCode for AppError {
    fn code(&self) -> &'static str {
        match self {
            AppError::PackageEmpty => "app_package_empty",
            AppError::PackageTooLong => "app_package_too_long",
            AppError::PackageOneSegment => "app_package_one_segment",
            AppError::PackageSegment => "app_package_invalid_segment",
            AppError::CertInvalid => "app_cert_invalid",
        }
    }
}

/// An Android application id such as `com.example.app`.
///
/// The rules are those Android's build tools enforce: two or more segments separated by dots,
/// each starting with an ASCII letter and holding ASCII letters, digits and underscores. Case is
/// kept, since Android compares package names case-sensitively.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PackageName(Box<str>);

const MAX_PACKAGE_LEN: usize = 255;

impl PackageName {
    pub fn parse(input: &str) -> Result<PackageName, AppError> {
        let name = input.trim();
        if name.is_empty() {
            return Err(AppError::PackageEmpty);
        }
        if name.len() > MAX_PACKAGE_LEN {
            return Err(AppError::PackageTooLong);
        }
        let mut segments = 0;
        for segment in name.split('.') {
            let mut bytes = segment.bytes();
            let starts_with_letter = bytes.next().is_some_and(|b| b.is_ascii_alphabetic());
            if !starts_with_letter || !bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                return Err(AppError::PackageSegment);
            }
            segments += 1;
        }
        if segments < 2 {
            return Err(AppError::PackageOneSegment);
        }
        Ok(PackageName(name.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The stable key; see the module docs.
    pub fn key(&self) -> u64 {
        xxhash_rust::xxh3::xxh3_64(self.0.as_bytes())
    }
}

impl fmt::Display for PackageName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for PackageName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PackageName({})", self.0)
    }
}

impl FromStr for PackageName {
    type Err = AppError;
    fn from_str(s: &str) -> Result<PackageName, AppError> {
        PackageName::parse(s)
    }
}

/// The SHA-256 digest of an app's signing certificate.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CertSha256([u8; 32]);

impl CertSha256 {
    /// Parses 64 hex digits in either case, or the `AB:CD:...` form that `keytool` and
    /// `apksigner` print (32 colon-separated pairs). Surrounding whitespace is ignored.
    pub fn parse(input: &str) -> Result<CertSha256, AppError> {
        let text = input.trim().as_bytes();
        let hex_digits: Vec<u8> = if text.len() == 95 {
            let pairs_ok = text
                .iter()
                .enumerate()
                .all(|(i, &b)| (i % 3 == 2) == (b == b':'));
            if !pairs_ok {
                return Err(AppError::CertInvalid);
            }
            text.iter().copied().filter(|&b| b != b':').collect()
        } else {
            text.to_vec()
        };
        let mut out = [0u8; 32];
        hex::decode_to_slice(&hex_digits, &mut out).map_err(|_| AppError::CertInvalid)?;
        Ok(CertSha256(out))
    }

    pub fn from_bytes(bytes: [u8; 32]) -> CertSha256 {
        CertSha256(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Lowercase hex, the canonical text form.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The stable key; see the module docs.
    pub fn key(&self) -> u64 {
        let mut first = [0u8; 8];
        first.copy_from_slice(&self.0[..8]);
        u64::from_be_bytes(first)
    }
}

impl fmt::Display for CertSha256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for CertSha256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CertSha256({})", self.to_hex())
    }
}

impl FromStr for CertSha256 {
    type Err = AppError;
    fn from_str(s: &str) -> Result<CertSha256, AppError> {
        CertSha256::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names() {
        for ok in [
            "com.example.app",
            "com.tencent.mm",
            "a.b",
            "Com.Example_1.x9",
            " org.fdroid.fdroid ",
        ] {
            assert_eq!(PackageName::parse(ok).unwrap().as_str(), ok.trim());
        }
        let code = |s: &str| PackageName::parse(s).unwrap_err().code();
        assert_eq!(code(""), "app_package_empty");
        assert_eq!(code("example"), "app_package_one_segment");
        assert_eq!(code("com..app"), "app_package_invalid_segment");
        assert_eq!(code(".com.app"), "app_package_invalid_segment");
        assert_eq!(code("com.app."), "app_package_invalid_segment");
        assert_eq!(code("com.1app"), "app_package_invalid_segment");
        assert_eq!(code("com._app"), "app_package_invalid_segment");
        assert_eq!(code("com.ex-ample"), "app_package_invalid_segment");
        assert_eq!(code("com.例子"), "app_package_invalid_segment");
        assert_eq!(
            code(&format!("a.{}", "b".repeat(300))),
            "app_package_too_long"
        );
    }

    #[test]
    fn package_keys_are_case_sensitive() {
        let a = PackageName::parse("com.example.app").unwrap();
        let b = PackageName::parse("com.Example.app").unwrap();
        assert_eq!(a.key(), xxhash_rust::xxh3::xxh3_64(b"com.example.app"));
        assert_ne!(a.key(), b.key());
    }

    #[test]
    fn certificate_digests() {
        let hex = "a40da80a59d170caa950cf15c18c454d47a39b26989d8b640ecd745ba71bf5dc";
        let upper = hex.to_uppercase();
        let keytool = upper
            .as_bytes()
            .chunks(2)
            .map(|p| std::str::from_utf8(p).unwrap())
            .collect::<Vec<_>>()
            .join(":");
        for form in [
            hex,
            upper.as_str(),
            keytool.as_str(),
            &format!(" {keytool}\n"),
        ] {
            let cert = CertSha256::parse(form).unwrap();
            assert_eq!(cert.to_string(), hex);
            assert_eq!(cert.key(), 0xa40d_a80a_59d1_70ca);
        }
        let code = |s: &str| CertSha256::parse(s).unwrap_err().code();
        assert_eq!(code(""), "app_cert_invalid");
        assert_eq!(code(&hex[..62]), "app_cert_invalid");
        assert_eq!(code(&format!("{}zz", &hex[..62])), "app_cert_invalid");
        assert_eq!(code(&keytool.replacen(':', "-", 1)), "app_cert_invalid");
        assert_eq!(code(&format!("{hex}00")), "app_cert_invalid");
    }
}
