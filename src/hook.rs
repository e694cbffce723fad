//! `keyscan install-hook`: a plain git pre-commit hook for people without the
//! pre-commit framework.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use git2::Repository;

use crate::error::Error;

/// Where git looks for hooks: `core.hooksPath` if set (relative to the working tree),
/// else `hooks/` in the common git directory, which linked worktrees share.
pub fn hooks_dir(repo: &Repository) -> PathBuf {
    let configured = repo
        .config()
        .ok()
        .and_then(|config| config.get_path("core.hooksPath").ok());
    match configured {
        Some(path) if path.is_absolute() => path,
        Some(path) => repo
            .workdir()
            .unwrap_or_else(|| repo.commondir())
            .join(path),
        None => repo.commondir().join("hooks"),
    }
}

/// Writes an executable `pre-commit` hook that runs `keyscan staged` with the binary at
/// `keyscan` (falling back to `keyscan` on `PATH` if that file is gone). Returns the
/// hook's path.
pub fn install_pre_commit(
    repo: &Repository,
    keyscan: &Path,
    force: bool,
) -> Result<PathBuf, Error> {
    let dir = hooks_dir(repo);
    let hook = dir.join("pre-commit");
    if hook.exists() && !force {
        return Err(Error::Exists {
            path: hook,
            advice: Some("use --force to replace it, or add `keyscan staged` to it yourself"),
        });
    }
    let quoted = keyscan.display().to_string().replace('\'', r"'\''");
    let script = format!(
        "#!/bin/sh\n\
         # Written by `keyscan install-hook`: refuses commits that add hard-coded secrets.\n\
         KEYSCAN='{quoted}'\n\
         [ -x \"$KEYSCAN\" ] || KEYSCAN=keyscan\n\
         exec \"$KEYSCAN\" staged\n"
    );
    let write = |err| Error::io("cannot write", &hook, err);
    std::fs::create_dir_all(&dir).map_err(write)?;
    std::fs::write(&hook, script).map_err(write)?;
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).map_err(write)?;
    Ok(hook)
}
