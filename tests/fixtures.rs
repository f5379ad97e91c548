//! Every fixture is a small repository: `testguard lint` must report exactly
//! what its EXPECT file lists (nothing, for the near-misses), with the exit code
//! SPEC §1 gives.

mod common;

use common::*;

#[test]
fn every_fixture_reports_exactly_what_it_expects() {
    let mut failures = Vec::new();
    let names = fixture_names();
    assert!(
        names.len() >= 40,
        "fixtures are missing: found {}",
        names.len()
    );
    for name in &names {
        let expect_path = fixtures_dir().join(name).join("EXPECT");
        let expect_text = std::fs::read_to_string(&expect_path)
            .unwrap_or_else(|_| panic!("{name} has no EXPECT file"));
        let mut want: Vec<String> = expect_text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(String::from)
            .collect();
        want.sort();
        let repo = repo_from_fixture(name);
        let report = json(repo.path());
        let got = summary_lines(&report);
        if got != want {
            failures.push(format!("{name}:\n  expected {want:?}\n  got      {got:?}"));
        }
        let out = run(repo.path(), &["lint", "."]);
        let want_code = if want.iter().any(|l| l.contains(" error ")) {
            1
        } else {
            0
        };
        if out.status.code() != Some(want_code) {
            failures.push(format!(
                "{name}: exit code {:?}, expected {want_code}",
                out.status.code()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_has_a_firing_and_a_silent_fixture() {
    let names = fixture_names();
    let out = run(&fixtures_dir(), &["rules", "--format", "json"]);
    let rules: serde_json::Value = serde_json::from_slice(&out.stdout).expect("rules json");
    let rules = rules.as_array().expect("array");
    assert!(rules.len() >= 16);
    for r in rules {
        let name = r["name"].as_str().expect("name");
        let code = r["code"].as_str().expect("code");
        let fires = names
            .iter()
            .filter(|n| n.starts_with(&format!("{name}-fires")))
            .collect::<Vec<_>>();
        assert!(
            !fires.is_empty(),
            "{code} {name} has no `{name}-fires*` fixture"
        );
        let silent = names
            .iter()
            .any(|n| n.starts_with(name) && n.contains("silent"));
        assert!(silent, "{code} {name} has no silent (near-miss) fixture");
        // the firing fixture really fires this rule
        for f in fires {
            let expect =
                std::fs::read_to_string(fixtures_dir().join(f).join("EXPECT")).expect("EXPECT");
            assert!(expect.contains(code), "{f} does not expect {code}");
        }
    }
}
