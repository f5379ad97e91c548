//! TG103 database-remote-host.

use super::{Context, Rule, RuleMeta};
use crate::database::is_local_host;
use crate::diagnostic::{Diagnostic, Severity};

pub struct DatabaseRemoteHost;

static META: RuleMeta = RuleMeta {
    code: "TG103",
    name: "database-remote-host",
    default_severity: Severity::Warning,
    summary: "a test environment's database host is not local",
    docs: DOCS,
    supersedes: &[],
    aliases: &[],
};

const DOCS: &str = r#"## What it checks
The host of a test environment's database (a URL's host, `host=`, `DB_HOST`)
must be local: loopback (`localhost`, `127.0.0.0/8`, `::1`), a unix socket, a
single-label name such as a docker-compose service (`db`, `postgres`), or a
service container of the same CI job.

## Why it is dangerous
A test database on a shared server sits next to databases that are not test
databases, is reached with credentials that can usually touch them too, and is
shared between developers whose test runs wipe each other's data.

## Example
```dotenv
DATABASE_URL=postgres://ci@db.internal.example.com:5432/app_test
```
fires on `db.internal.example.com`.

Not reported: a database whose name is a test one on a private or link-local
address (`10/8`, `172.16/12`, `192.168/16`, `169.254/16`, IPv6 `fc00::/7`):
that is a development VM or a docker network (docker-machine's VMs are
`192.168.99.x`), not a server shared with real data.

## Fix
Run the test database locally (a container, or the CI job's service
container). If the remote server is disposable and holds only test databases,
suppress with a reason.

## Configure or suppress
Extra local host names (say, a docker-compose service with a dotted name) in
`testguard.toml`: `extra-local-hosts = ["mysql.docker.internal"]`; an inline
`testguard: ignore[TG103] reason` comment for a deliberate exception.
"#;

impl Rule for DatabaseRemoteHost {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for env in &cx.ws.envs {
            for d in cx.db_settings(env) {
                let Some(host) = &d.db.host else { continue };
                if host.is_reference() || d.db.is_sqlite() || d.db.in_memory {
                    continue;
                }
                if is_local_host(&host.text, &cx.policy.extra_local_hosts) {
                    continue;
                }
                // a database named for tests on a private address is a dev VM's
                // or a docker network's (docker-machine hands out 192.168.99.x),
                // not a shared server with real data
                let test_name =
                    d.db.name
                        .as_ref()
                        .is_some_and(|n| !n.is_reference() && cx.policy.markers.has_test(&n.text));
                if test_name && is_private_address(&host.text) {
                    continue;
                }
                let s = d.setting;
                out.push(super::with_test_command(
                    META.diag(
                        Some(s.value_span),
                        format!(
                            "{} reaches the database server `{}`, which is not on this machine: tests there share a server with other data and other people's test runs",
                            env.name, host.text
                        ),
                    )
                    .with_primary_label("remote database")
                    .with_label(s.value_sub_span(host.range.clone()), "remote host")
                    .with_help("run the test database locally (localhost, a container or the CI job's service container)")
                , env));
            }
        }
    }
}

/// An address of a private network or a link-local one (RFC 1918, RFC 3927,
/// RFC 4193).
fn is_private_address(host: &str) -> bool {
    let h = host.trim().trim_matches(['[', ']']);
    if let Ok(ip) = h.parse::<std::net::Ipv4Addr>() {
        return ip.is_private() || ip.is_link_local();
    }
    if let Ok(ip) = h.parse::<std::net::Ipv6Addr>() {
        return (ip.segments()[0] & 0xfe00) == 0xfc00;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::is_private_address;

    #[test]
    fn private_and_link_local_addresses() {
        for yes in [
            "192.168.99.100",
            "10.0.0.5",
            "172.16.3.4",
            "169.254.1.1",
            "[fd12::1]",
        ] {
            assert!(is_private_address(yes), "{yes}");
        }
        for no in ["8.8.8.8", "172.32.0.1", "db.example.com", "2001:db8::1"] {
            assert!(!is_private_address(no), "{no}");
        }
    }
}
