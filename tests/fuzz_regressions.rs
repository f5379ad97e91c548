//! Every input a fuzz target ever crashed on (`tests/regressions/<target>/`),
//! replayed through the same function the target calls
//! (`testguard_invariants::fuzz_case`).

use std::path::Path;

use testguard_invariants::{FUZZ_TARGETS, fuzz_case};

#[test]
fn every_saved_fuzz_crash_now_passes_its_target_checks() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/regressions");
    let mut replayed = 0;
    let mut failures = Vec::new();
    for target in std::fs::read_dir(&dir)
        .expect("tests/regressions")
        .flatten()
    {
        let name = target.file_name().to_string_lossy().to_string();
        assert!(
            FUZZ_TARGETS.contains(&name.as_str()),
            "tests/regressions/{name}: no fuzz target of that name"
        );
        for case in std::fs::read_dir(target.path())
            .expect("target folder")
            .flatten()
        {
            let data = std::fs::read(case.path()).expect("case");
            let result = std::panic::catch_unwind(|| fuzz_case(&name, &data))
                .unwrap_or_else(|_| Err("panicked".into()));
            if let Err(e) = result {
                failures.push(format!(
                    "{name}/{}: {e}",
                    case.file_name().to_string_lossy()
                ));
            }
            replayed += 1;
        }
    }
    assert!(replayed > 0, "no saved crashes found in {}", dir.display());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The fuzz folder has exactly one target per name in `FUZZ_TARGETS`.
#[test]
fn every_fuzz_target_is_known() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/fuzz_targets");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("fuzz/fuzz_targets")
        .flatten()
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".rs"))
                .map(String::from)
        })
        .collect();
    names.sort();
    let mut want: Vec<String> = FUZZ_TARGETS.iter().map(|t| t.to_string()).collect();
    want.sort();
    assert_eq!(names, want);
}
