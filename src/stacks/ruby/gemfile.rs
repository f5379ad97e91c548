//! A `Gemfile`, read as far as one question goes: does Bundler require a
//! gem in the `test` environment? `Bundler.require(*Rails.groups)` (the
//! Rails skeleton's `config/application.rb`) requires the default group and
//! the groups named for the environment, so a gem counts when it stands
//! outside any `group … do` block, or in one (or with a `group:`/`groups:`
//! option) that names `:test`.
//!
//! Lines are read one by one: `group …, do` blocks, any other `do` block
//! (`platforms :mri do`) and the conditionals that start a line (`if …`)
//! nest until their `end`; comments are skipped. A `gem` line inside another
//! kind of block keeps the groups around it.

use std::ops::Range;

/// Where the gem `name` is declared for the test environment (the name's
/// bytes, quotes excluded), if it is.
pub fn required_in_test(text: &str, name: &str) -> Option<Range<usize>> {
    // the groups of each open block (`None`: a block that is not a group)
    let mut blocks: Vec<Option<Vec<String>>> = Vec::new();
    for (start, line) in crate::syntax::ini::lines_with_offsets(text) {
        let code = line.split(" #").next().unwrap_or(line);
        let t = code.trim();
        if t.starts_with('#') || t.is_empty() {
            continue;
        }
        if t == "end" || t.starts_with("end ") {
            blocks.pop();
            continue;
        }
        if let Some(rest) = t
            .strip_prefix("group ")
            .or_else(|| t.strip_prefix("group("))
            && let Some(args) = rest
                .strip_suffix(" do")
                .or_else(|| rest.strip_suffix(")do"))
        {
            blocks.push(Some(symbols(args)));
            continue;
        }
        // any other block: `platforms :mri do`, and the conditionals that
        // start a line (`if ENV["X"]` … `end`; `gem "x" if y` starts no block)
        let opens_conditional = ["if ", "unless ", "case ", "while ", "until ", "for "]
            .iter()
            .any(|k| t.starts_with(k))
            || t == "begin";
        if t.ends_with(" do") || t.contains(" do |") || opens_conditional {
            blocks.push(None);
            continue;
        }
        let Some(rest) = t.strip_prefix("gem ").or_else(|| t.strip_prefix("gem(")) else {
            continue;
        };
        let rest_at = start + (line.len() - line.trim_start().len()) + (t.len() - rest.len());
        let Some(quote) = rest.chars().next().filter(|q| *q == '\'' || *q == '"') else {
            continue;
        };
        let Some(end) = rest[1..].find(quote) else {
            continue;
        };
        if &rest[1..1 + end] != name {
            continue;
        }
        let options = &rest[1 + end + 1..];
        // `gem "x" if …`: whether Bundler sees it at all is decided in code
        if options.contains(" if ") || options.contains(" unless ") {
            continue;
        }
        // `require: false`: Bundler.require leaves it alone
        let compact: String = options.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.contains("require:false") || compact.contains(":require=>false") {
            continue;
        }
        let own_groups = ["groups:", "group:", ":groups =>", ":group =>"]
            .iter()
            .find_map(|k| options.split_once(k).map(|(_, g)| symbols(g)));
        let in_test = |groups: &[String]| groups.iter().any(|g| g == "test");
        let enclosing: Vec<&Vec<String>> = blocks.iter().flatten().collect();
        let required = match &own_groups {
            Some(g) => in_test(g),
            None => enclosing.iter().all(|g| in_test(g)),
        };
        if required {
            return Some(rest_at + 1..rest_at + 1 + end);
        }
    }
    None
}

/// The major version of `name` that a `Gemfile.lock` resolved (`    dotenv
/// (3.1.7)` under `specs:`).
pub fn locked_major(lock: &str, name: &str) -> Option<u32> {
    lock.lines().find_map(|l| {
        let rest = l
            .strip_prefix("    ")?
            .strip_prefix(name)?
            .strip_prefix(" (")?;
        rest.split(['.', ')', '-']).next()?.parse().ok()
    })
}

/// The symbols and strings an argument list names: `:development, :test`,
/// `[:test]`, `%i[test]`, `"test"`.
fn symbols(args: &str) -> Vec<String> {
    args.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .filter_map(|w| {
            let w = w.trim_start_matches(':');
            (!w.is_empty() && w != "i" && w != "w").then(|| w.to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locked_versions() {
        let lock = "GEM\n  remote: https://rubygems.org/\n  specs:\n    dotenv (3.1.7)\n    dotenv-rails (2.8.1)\n      dotenv (= 2.8.1)\n";
        assert_eq!(locked_major(lock, "dotenv"), Some(3));
        assert_eq!(locked_major(lock, "dotenv-rails"), Some(2));
        assert_eq!(locked_major(lock, "rails"), None);
    }

    #[test]
    fn groups_decide_whether_test_requires_a_gem() {
        let cases: &[(&str, bool)] = &[
            ("gem 'dotenv-rails'\n", true),
            (
                "group :development, :test do\n  gem \"dotenv-rails\"\nend\n",
                true,
            ),
            ("group :development do\n  gem 'dotenv-rails'\nend\n", false),
            ("gem 'dotenv-rails', groups: [:development, :test]\n", true),
            ("gem 'dotenv-rails', group: :development\n", false),
            ("gem 'dotenv-rails', :group => [:test]\n", true),
            (
                "group %i[development test] do\n  gem 'dotenv-rails', require: 'dotenv/load'\nend\n",
                true,
            ),
            (
                "group :development do\n  platforms :mri do\n    gem 'x'\n  end\n  gem 'dotenv-rails'\nend\n",
                false,
            ),
            ("group :production do\nend\ngem 'dotenv-rails'\n", true),
            ("# gem 'dotenv-rails'\n", false),
            (
                "group :development do\n  if ENV['X']\n    gem 'x'\n  end\n  gem 'dotenv-rails'\nend\n",
                false,
            ),
            (
                "if ENV['BENCH']\n  gem 'y', groups: [:production]\nend\ngem 'dotenv-rails'\n",
                true,
            ),
            ("gem 'dotenv-rails' if ENV['Z']\n", false),
            ("gem 'dotenv'\n", false),
            ("gem 'dotenv-rails-x'\n", false),
            ("gem 'dotenv-rails', require: false\n", false),
            (
                "gem 'dotenv-rails', :require => false, group: :test\n",
                false,
            ),
            ("gem 'dotenv-rails', require: 'dotenv/load'\n", true),
        ];
        for (text, want) in cases {
            let got = required_in_test(text, "dotenv-rails");
            assert_eq!(got.is_some(), *want, "{text}");
            if let Some(r) = got {
                assert_eq!(&text[r], "dotenv-rails");
            }
        }
    }
}
