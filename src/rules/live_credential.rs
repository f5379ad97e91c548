//! TG401 live-credential.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::mask::live_keys;

pub struct LiveCredential;

static META: RuleMeta = RuleMeta {
    code: "TG401",
    name: "live-credential",
    default_severity: Severity::Error,
    summary: "a test environment holds a live credential (Stripe sk_live_, AWS AKIA… with a secret, …)",
    docs: DOCS,
    supersedes: &[],
    aliases: &[],
};

const DOCS: &str = r#"## What it checks
A value in a test environment that is a live credential: Stripe `sk_live_`/
`rk_live_` keys, an AWS access key id (`AKIA…`, `ASIA…`) together with a secret
access key in the same environment, GitHub (`ghp_…`, `github_pat_…`), GitLab
(`glpat-…`), Slack (`xox…`) and SendGrid (`SG.…`) tokens. The value is masked
in every output. Placeholders (`sk_live_xxxxxxxx`, AWS's `…EXAMPLE` keys) are
not reported.

## Why it is dangerous
Tests that hold a live key charge real cards, send real mail, and write to real
buckets; and the key is in the repository for anyone to use.

## Example
```dotenv
# .env.test
STRIPE_SECRET=sk_live_****************
```
fires; `sk_test_…` does not.

## Fix
Use test-mode keys (`sk_test_…`) or fakes in test configuration; revoke the
live key, since it is committed.
"#;

fn is_placeholder(v: &str) -> bool {
    let l = v.to_ascii_lowercase();
    [
        "xxxx",
        "example",
        "your",
        "placeholder",
        "dummy",
        "fake",
        "changeme",
        "0000000",
    ]
    .iter()
    .any(|p| l.contains(p))
}

impl Rule for LiveCredential {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for env in &cx.ws.envs {
            let has_aws_secret = env.settings.iter().any(|s| {
                s.key
                    .value
                    .to_ascii_uppercase()
                    .contains("SECRET_ACCESS_KEY")
                    && !s.value.trim().is_empty()
                    && !s.is_reference()
                    && !is_placeholder(&s.value)
            });
            for s in &env.settings {
                for r in live_keys(&s.value) {
                    let key = &s.value[r.clone()];
                    if is_placeholder(key) {
                        continue;
                    }
                    let aws = key.starts_with("AKIA") || key.starts_with("ASIA");
                    if aws && !has_aws_secret {
                        continue;
                    }
                    let kind = if key.starts_with("sk_live_") || key.starts_with("rk_live_") {
                        "a live Stripe key"
                    } else if aws {
                        "an AWS access key with its secret"
                    } else {
                        "a live access token"
                    };
                    out.push(super::with_test_command(
                        META.diag(
                            Some(s.value_sub_span(r)),
                            format!(
                                "{} holds {kind} in `{}`: tests would act on real accounts, and the key is committed",
                                env.name, s.key.value
                            ),
                        )
                        .with_primary_label("live credential (masked)")
                        .with_help("use a test-mode key or a fake here, and revoke this key")
                    , env));
                }
            }
        }
    }
}
