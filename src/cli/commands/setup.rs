//! The commands that set keyscan up in a repository: `config init`,
//! `config import-gitleaks` and `install-hook`.

use std::path::{Path, PathBuf};

use keyscan::Error;
use keyscan::config::{self, CONFIG_FILE, TEMPLATE};
use keyscan::text::counted;

use super::inside_repository;
use crate::cli::Status;

/// `keyscan config init`
pub(super) fn config_init() -> Result<Status, Error> {
    let path = Path::new(CONFIG_FILE);
    if path.exists() {
        return Err(Error::Exists {
            path: path.to_path_buf(),
            advice: None,
        });
    }
    std::fs::write(path, TEMPLATE).map_err(|err| Error::io("cannot write", path, err))?;
    println!("wrote {CONFIG_FILE}: every setting is commented out, uncomment what you need");
    Ok(Status::Clean)
}

/// Where `keyscan config import-gitleaks` writes the translated rules.
const IMPORTED_RULES_FILE: &str = ".keyscan-rules.toml";

/// `keyscan config import-gitleaks [FILE] [--force]`
pub(super) fn import_gitleaks(file: &Path, force: bool) -> Result<Status, Error> {
    let text = keyscan::files::read_text(file, keyscan::files::MAX_CONFIG, None)
        .map_err(|err| Error::unreadable(file, err))?;
    let translation = config::translate_gitleaks(&text, file, Some(IMPORTED_RULES_FILE), None)?;
    let config = Path::new(CONFIG_FILE);
    let rules = Path::new(IMPORTED_RULES_FILE);
    let writes: Vec<(&Path, &str)> = std::iter::once((config, translation.config.as_str()))
        .chain(translation.rules.as_deref().map(|text| (rules, text)))
        .collect();
    if !force && let Some((path, _)) = writes.iter().find(|(path, _)| path.exists()) {
        return Err(Error::Exists {
            path: path.to_path_buf(),
            advice: Some("--force replaces it"),
        });
    }
    for (path, text) in &writes {
        std::fs::write(path, text).map_err(|err| Error::io("cannot write", path, err))?;
    }
    let rules_written = match translation.rule_ids.len() {
        0 => String::new(),
        n => format!(
            " and {IMPORTED_RULES_FILE} ({})",
            counted(n as u64, "rule", "rules")
        ),
    };
    println!("wrote {CONFIG_FILE}{rules_written} from {}", file.display());
    for difference in &translation.differences {
        eprintln!("keyscan: note: {difference}");
    }
    if !translation.differences.is_empty() {
        eprintln!("keyscan: these differences are listed at the top of {CONFIG_FILE} too");
    }
    Ok(Status::Clean)
}

/// `keyscan install-hook [--force]`
pub(super) fn install_hook(force: bool) -> Result<Status, Error> {
    let repo = inside_repository("install-hook")?;
    let binary = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("keyscan"));
    let hook = keyscan::hook::install_pre_commit(&repo, &binary, force)?;
    println!(
        "installed {}: commits that add secrets will be refused",
        hook.display()
    );
    Ok(Status::Clean)
}
