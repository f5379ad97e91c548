//! Differential test: every CI YAML file of the shared corpora that libyaml
//! accepts (PyYAML's `CSafeLoader`, custom tags accepted) must parse in
//! testguard, and every file libyaml rejects must be rejected too — TG001 is
//! only right where the real tools fail as well.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use testguard::source::FileId;
use testguard::syntax::yaml;

fn ci_yaml_files(root: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(root) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            ci_yaml_files(&p, out);
            continue;
        }
        let s = p.to_string_lossy().replace('\\', "/");
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let workflow = s.contains("/.github/workflows/")
            && (name.ends_with(".yml") || name.ends_with(".yaml"));
        if workflow || name == ".gitlab-ci.yml" {
            out.push(p);
        }
    }
}

fn libyaml_accepts(files: &[PathBuf]) -> Option<Vec<(bool, PathBuf)>> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/yaml_accepts.py");
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    let list: String = files.iter().map(|p| format!("{}\n", p.display())).collect();
    child.stdin.take()?.write_all(list.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    if !out.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    Some(
        text.lines()
            .filter_map(|l| l.split_once('\t'))
            .map(|(v, p)| (v == "ok", PathBuf::from(p)))
            .collect(),
    )
}

fn pyyaml_with_libyaml() -> bool {
    Command::new("python3")
        .args(["-c", "import yaml; yaml.CSafeLoader"])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn testguard_accepts_exactly_the_ci_yaml_that_libyaml_accepts() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let mut files = Vec::new();
    for corpus in ["corpus", "corpus-wild"] {
        ci_yaml_files(&shared.join(corpus), &mut files);
    }
    if files.is_empty() {
        common::required_in_ci("../shared/corpus", "the shared folder beside the checkout");
        return;
    }
    if !pyyaml_with_libyaml() {
        common::required_in_ci("PyYAML with libyaml", "python3 -m pip install pyyaml");
        return;
    }
    let verdicts = libyaml_accepts(&files).expect("the libyaml judge ran");
    assert_eq!(verdicts.len(), files.len(), "a verdict for every file");
    let mut disagreements = Vec::new();
    let mut accepted = 0;
    for (libyaml_ok, path) in &verdicts {
        let text = std::fs::read_to_string(path).expect("corpus files are UTF-8");
        let ours = yaml::parse(FileId(0), &text).is_ok();
        accepted += usize::from(*libyaml_ok);
        if ours != *libyaml_ok {
            disagreements.push(format!(
                "{}: libyaml {}, testguard {}",
                path.display(),
                if *libyaml_ok { "accepts" } else { "rejects" },
                if ours { "accepts" } else { "rejects" }
            ));
        }
    }
    assert!(
        accepted > 100,
        "the corpora hold hundreds of CI files; {accepted} accepted"
    );
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

/// Flow collections whose closing bracket sits at or left of its key, after
/// a comment (a workflow's `matrix:` list with an item commented out): libyaml,
/// and so GitHub, accepts them; saphyr needs the bracket joined to the last
/// item, and a comment on the line before must not swallow it.
#[test]
fn flow_closers_after_comments_are_judged_as_libyaml_judges_them() {
    if !pyyaml_with_libyaml() {
        common::required_in_ci("PyYAML with libyaml", "python3 -m pip install pyyaml");
        return;
    }
    let cases: &[&str] = &[
        "m:\n  k: [\n    \"x\",\n    # \"y\",\n  ]\n  o: 1\n",
        "k: [\n  \"x\",\n  # c\n]\no: 1\n",
        "m:\n  k: [\n    \"x\", # c\n  ]\n  o: 1\n",
        "m:\n  k: [\n    \"x\",\n    # one\n\n    # two\n  ]\n  o: 1\n",
        "m:\n  k: {\n    a: 1,\n    # c\n  }\n  o: 1\n",
        "m:\n  k: [\n    \"a # not a comment\",\n  ]\n  o: 1\n",
        "m:\n  k: [\n    x,\n    # c\n  ]\n o: 1\n",
        "m:\n  k: [\n    x\n    # c\n  ]]\n",
    ];
    let dir = tempfile::tempdir().expect("temp dir");
    let files: Vec<PathBuf> = cases
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let p = dir.path().join(format!("case{i}.yml"));
            std::fs::write(&p, text).expect("write case");
            p
        })
        .collect();
    let verdicts = libyaml_accepts(&files).expect("the libyaml judge ran");
    assert_eq!(verdicts.len(), cases.len());
    let mut accepted = 0;
    for ((libyaml_ok, path), text) in verdicts.iter().zip(cases) {
        accepted += usize::from(*libyaml_ok);
        let ours = yaml::parse(FileId(0), text).is_ok();
        assert_eq!(
            ours,
            *libyaml_ok,
            "{}: {text:?}: libyaml accepts: {libyaml_ok}",
            path.display()
        );
    }
    assert!(accepted >= 5, "most cases are valid YAML: {accepted}");
}
