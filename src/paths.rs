//! Paths inside a scan: relative to its root, `/`-separated, the root
//! itself `""`. The ground floor: every layer above uses these, and they
//! use nothing of testguard's.

/// `dir/` for a folder, and nothing for the root: what a path inside the
/// folder is prefixed with.
pub fn dir_prefix(rel_dir: &str) -> String {
    if rel_dir.is_empty() {
        String::new()
    } else {
        format!("{rel_dir}/")
    }
}

/// The path of `name` inside the folder `dir`.
pub fn join(dir: &str, name: &str) -> String {
    format!("{}{name}", dir_prefix(dir))
}

/// A folder and every folder above it, up to the root (`""`), nearest first.
pub fn ancestors(dir: &str) -> impl Iterator<Item = &str> {
    let mut next = Some(dir);
    std::iter::from_fn(move || {
        let cur = next?;
        next = if cur.is_empty() {
            None
        } else {
            Some(cur.rfind('/').map_or("", |i| &cur[..i]))
        };
        Some(cur)
    })
}

/// `a/b/../c/./x` → `a/c/x`; `None` when the path climbs above the root.
pub fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Whether `dir` is `anc` or lies below it.
pub fn is_within(dir: &str, anc: &str) -> bool {
    anc.is_empty() || dir == anc || dir.strip_prefix(anc).is_some_and(|r| r.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_folds_parent_folders_and_refuses_to_climb_out() {
        assert_eq!(
            normalize("app/config/../config/x.yml").as_deref(),
            Some("app/config/x.yml")
        );
        assert_eq!(normalize("../x.yml"), None);
    }

    #[test]
    fn folders_and_their_ancestors() {
        assert_eq!(join("", ".env"), ".env");
        assert_eq!(join("apps/web", ".env"), "apps/web/.env");
        let up: Vec<&str> = ancestors("a/b/c").collect();
        assert_eq!(up, ["a/b/c", "a/b", "a", ""]);
        assert!(is_within("a/b", "a") && is_within("a", "") && !is_within("ab", "a"));
    }
}
