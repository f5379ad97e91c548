//! `docs/rules/` is the rule catalog's documentation as pages: each page is
//! exactly what `testguard explain CODE` prints, and the index lists every
//! rule. `TESTGUARD_BLESS=1 cargo test --test docs` rewrites them.

mod common;

use std::path::Path;

use testguard::rules::{docs_index, page, registry};

#[test]
fn rule_pages_are_what_explain_prints() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
    let bless = std::env::var_os("TESTGUARD_BLESS").is_some();
    let mut want: Vec<(String, String)> = registry()
        .iter()
        .map(|r| (format!("{}.md", r.meta().code), page(r.meta())))
        .collect();
    want.push(("README.md".into(), docs_index()));
    if bless {
        std::fs::create_dir_all(&dir).expect("mkdir docs/rules");
        for (name, text) in &want {
            std::fs::write(dir.join(name), text).expect("write page");
        }
    }
    let mut stale = Vec::new();
    for (name, text) in &want {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(on_disk) if on_disk == *text => {}
            _ => stale.push(name.clone()),
        }
    }
    let extra: Vec<String> = std::fs::read_dir(&dir)
        .expect("docs/rules exists")
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().map(String::from))
        .filter(|n| !want.iter().any(|(w, _)| w == n))
        .collect();
    assert!(
        stale.is_empty() && extra.is_empty(),
        "docs/rules drifted from the rule catalog: stale {stale:?}, extra {extra:?}; \
         run `TESTGUARD_BLESS=1 cargo test --test docs`"
    );
    // and `explain` prints the page itself
    for r in registry() {
        let m = r.meta();
        let out = common::run(&dir, &["explain", m.code]);
        assert_eq!(common::stdout(&out), page(m), "{}", m.code);
    }
}
