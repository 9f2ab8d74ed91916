use std::fmt;

/// A language the portal, its emails and its SMS are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Language {
    #[default]
    En,
    Fr,
    Es,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("That language is not supported. Supported languages: en, fr, es.")]
pub struct UnsupportedLanguage;

impl Language {
    pub const ALL: [Language; 3] = [Language::En, Language::Fr, Language::Es];

    pub fn parse(raw: &str) -> Result<Self, UnsupportedLanguage> {
        match raw {
            "en" => Ok(Self::En),
            "fr" => Ok(Self::Fr),
            "es" => Ok(Self::Es),
            _ => Err(UnsupportedLanguage),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Fr => "fr",
            Self::Es => "es",
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_supported_language_parses_from_its_code() {
        for language in Language::ALL {
            assert_eq!(Language::parse(language.code()), Ok(language));
        }
        assert_eq!(Language::parse("de"), Err(UnsupportedLanguage));
        assert_eq!(Language::parse("EN"), Err(UnsupportedLanguage));
    }
}
