//! Stable replay of the fuzz corpora: every file of `fuzz/corpus/<target>/` through the
//! target body of `fuzz/src/lib.rs` (the same function cargo-fuzz runs on nightly), so a
//! machine without nightly or cargo-fuzz still checks every input the fuzzers kept and every
//! crash reproducer (`fuzz/corpus/<target>/crash-*`). Runs in well under a second.

#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod targets;

use std::path::Path;

#[test]
fn every_corpus_file_replays_without_a_failure() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let mut total = 0;
    for (name, body) in targets::TARGETS {
        let dir = root.join(name);
        let mut files: Vec<_> = match std::fs::read_dir(&dir) {
            Ok(rd) => rd.filter_map(|e| e.ok()).map(|e| e.path()).collect(),
            Err(e) => panic!("corpus {} is missing: {e}", dir.display()),
        };
        files.sort();
        assert!(!files.is_empty(), "corpus {name} is empty");
        for f in &files {
            // A fuzzer running on this machine may replace corpus files while we read them.
            let Ok(data) = std::fs::read(f) else { continue };
            let run = std::panic::catch_unwind(|| body(&data));
            assert!(run.is_ok(), "{name}: {} fails", f.display());
        }
        println!("{name}: {} corpus files replayed", files.len());
        total += files.len();
    }
    assert!(total > 0);
}
