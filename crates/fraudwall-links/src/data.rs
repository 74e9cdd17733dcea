//! The data files, parsed: the brand table (TOML) and the plain one-item-a-line lists.

use serde::Deserialize;

/// Why a data file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkDataError {
    #[error("brand table does not parse: {0}")]
    Brands(String),
    #[error("brand {brand:?}: {problem}")]
    BadBrand { brand: String, problem: String },
    #[error("homoglyph line {line}: expected a code point, a tab and an ascii letter")]
    BadHomoglyph { line: usize },
}

impl LinkDataError {
    pub fn code(&self) -> &'static str {
        match self {
            LinkDataError::Brands(_) => "links_brands_syntax",
            LinkDataError::BadBrand { .. } => "links_bad_brand",
            LinkDataError::BadHomoglyph { .. } => "links_bad_homoglyph",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BrandsDocument {
    brand: Vec<BrandDocument>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BrandDocument {
    id: String,
    name: String,
    #[serde(default)]
    tokens: Vec<String>,
    #[serde(default)]
    exact: Vec<String>,
    domains: Vec<DomainDocument>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DomainDocument {
    domain: String,
    source: String,
}

/// A brand fraud impersonates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Brand {
    pub id: String,
    pub name: String,
    /// Official registrable domains (or suffixes such as `gov.cn`): a host under one is the
    /// brand's own.
    pub domains: Vec<String>,
    /// Where each official domain comes from, in the order of `domains`.
    pub sources: Vec<String>,
}

/// A name token of a brand, as the matcher reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub text: String,
    pub brand: u16,
    /// Matches only as a whole hyphen-separated piece.
    pub exact: bool,
    /// All digits: matches anywhere no other digit touches it.
    pub numeric: bool,
}

pub(crate) fn brands(text: &str) -> Result<(Vec<Brand>, Vec<Token>), LinkDataError> {
    let document: BrandsDocument =
        toml::from_str(text).map_err(|e| LinkDataError::Brands(e.message().to_owned()))?;
    let mut brands = Vec::new();
    let mut tokens = Vec::new();
    for (index, brand) in document.brand.into_iter().enumerate() {
        let bad = |problem: &str| LinkDataError::BadBrand {
            brand: brand.id.clone(),
            problem: problem.to_owned(),
        };
        let index = u16::try_from(index).map_err(|_| bad("too many brands"))?;
        if brand.domains.is_empty() {
            return Err(bad("has no official domain"));
        }
        for (text, exact) in brand
            .tokens
            .iter()
            .map(|t| (t, false))
            .chain(brand.exact.iter().map(|t| (t, true)))
        {
            let valid = text.len() >= 2
                && text.len() <= 63
                && text
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
            if !valid {
                return Err(bad(&format!("token {text:?} is not 2 to 63 of a-z, 0-9")));
            }
            if tokens.iter().any(|t: &Token| &t.text == text) {
                return Err(bad(&format!("token {text:?} belongs to two brands")));
            }
            tokens.push(Token {
                text: text.clone(),
                brand: index,
                exact,
                numeric: text.bytes().all(|b| b.is_ascii_digit()),
            });
        }
        brands.push(Brand {
            id: brand.id,
            name: brand.name,
            domains: brand.domains.iter().map(|d| d.domain.clone()).collect(),
            sources: brand.domains.into_iter().map(|d| d.source).collect(),
        });
    }
    Ok((brands, tokens))
}

/// The non-empty, non-comment lines of a list, trimmed and lowercased.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = String> + '_ {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_lowercase)
}

/// `U+0430<tab>a` lines: a look-alike character and the ASCII letter it passes for.
pub(crate) fn homoglyphs(text: &str) -> Result<Vec<(char, u8)>, LinkDataError> {
    let mut glyphs = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = LinkDataError::BadHomoglyph { line: number + 1 };
        let (code, ascii) = line.split_once('\t').ok_or(bad.clone())?;
        let code = code
            .strip_prefix("U+")
            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
            .and_then(char::from_u32)
            .ok_or(bad.clone())?;
        let &[ascii] = ascii.trim().as_bytes() else {
            return Err(bad);
        };
        if !ascii.is_ascii_alphanumeric() {
            return Err(bad);
        }
        glyphs.push((code, ascii.to_ascii_lowercase()));
    }
    Ok(glyphs)
}
