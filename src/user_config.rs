//! The user's own configuration: settings that belong to the person running keyscan,
//! whatever they scan, and that no scanned repository can set. Today that is one:
//! whether to verify findings with their providers (`[scan] verify`).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, FileProblem};
use crate::files;
use crate::text::{line_of, without_values};

/// Where the user's own configuration is: `$XDG_CONFIG_HOME/keyscan/config.toml`, or
/// `$HOME/.config/keyscan/config.toml` when `XDG_CONFIG_HOME` is unset or empty.
/// `var` reads the environment.
pub fn path(var: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let non_empty = |name: &str| var(name).filter(|value| !value.is_empty());
    let base = match non_empty("XDG_CONFIG_HOME") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(non_empty("HOME")?).join(".config"),
    };
    Some(base.join("keyscan").join("config.toml"))
}

/// What the user's own configuration says.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct UserConfig {
    /// `[scan] verify`: verify findings unless a flag says otherwise.
    pub verify: Option<bool>,
    /// The file it was read from, for messages.
    pub path: Option<PathBuf>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawUserConfig {
    #[serde(default)]
    scan: RawUserScan,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawUserScan {
    verify: Option<bool>,
}

/// Reads the user's configuration at `path`; none (the default) when there is no such
/// file. A setting that belongs in a project's `.keyscan.toml` is an error that says so.
pub fn load(path: &Path) -> Result<UserConfig, Error> {
    if !path.is_file() {
        return Ok(UserConfig::default());
    }
    let text = files::read_text(path, files::MAX_CONFIG, None)
        .map_err(|err| Error::unreadable(path, err))?;
    let raw: RawUserConfig = toml::from_str(&text).map_err(|err| {
        let line = err.span().map(|span| line_of(text.as_bytes(), span.start));
        let message = format!(
            "{} (your own configuration holds only `[scan] verify`; the rest belongs in a \
             project's .keyscan.toml)",
            without_values(err.message().trim_end())
        );
        Error::Config(vec![FileProblem::new(path, line, message)])
    })?;
    Ok(UserConfig {
        verify: raw.scan.verify,
        path: Some(path.to_path_buf()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_follows_xdg_then_home() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| (*value).to_owned())
            }
        };
        assert_eq!(
            path(env(&[("XDG_CONFIG_HOME", "/x"), ("HOME", "/h")])),
            Some(PathBuf::from("/x/keyscan/config.toml"))
        );
        assert_eq!(
            path(env(&[("XDG_CONFIG_HOME", ""), ("HOME", "/h")])),
            Some(PathBuf::from("/h/.config/keyscan/config.toml"))
        );
        assert_eq!(path(env(&[])), None);
    }

    #[test]
    fn only_verify_is_read_and_anything_else_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        assert_eq!(load(&file).unwrap(), UserConfig::default());
        std::fs::write(&file, "[scan]\nverify = true\n").unwrap();
        assert_eq!(load(&file).unwrap().verify, Some(true));
        std::fs::write(&file, "[scan]\nverify = true\nmax_file_size = \"1MB\"\n").unwrap();
        let err = load(&file).unwrap_err().to_string();
        assert!(err.contains("config.toml:3"), "{err}");
        assert!(err.contains("max_file_size"), "{err}");
        assert!(err.contains("only `[scan] verify`"), "{err}");
    }
}
