//! A scratch file for targets whose parser is public only behind a path
//! (`keyscan::config::load`, `keyscan::filter::baseline::Baseline::load`).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Writes `data` to `name` in this process's scratch directory (in memory when
/// `/dev/shm` exists) and returns its path.
pub fn write(name: &str, data: &[u8]) -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let shm = Path::new("/dev/shm");
        let base = if shm.is_dir() {
            shm.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        let dir = base.join(format!("keyscan-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the scratch directory");
        dir
    });
    let path = dir.join(name);
    std::fs::write(&path, data).expect("write the scratch file");
    path
}
