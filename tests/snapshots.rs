//! Snapshots of the human output for every rule's firing fixtures: the
//! diagnostics are the product, and a change to their wording or layout must
//! be a reviewed change.

mod common;

use common::*;

#[test]
fn human_output_of_each_firing_fixture() {
    for name in fixture_names().iter().filter(|n| n.contains("-fires")) {
        let repo = repo_from_fixture(name);
        let out = run(repo.path(), &["lint", "."]);
        let text = stdout(&out);
        assert!(!text.is_empty(), "{name} printed nothing");
        insta::assert_snapshot!(name.as_str(), text);
    }
}
