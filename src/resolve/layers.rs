//! Layers: the effective environment of a chain of layers.
//!
//! A stack module lists a test run's layers the way its framework's loader
//! applies them, highest precedence first, each with its write rule
//! ([`Write`]). This module turns them into the effective environment: for
//! every variable, the setting of the highest layer that holds it, with its
//! provenance (which layer decided, what it beat, whether an unknown caller
//! could still override it). `lint` and `testguard run` call the same code;
//! only the caller layer differs (unknown in `lint`, the real environment in
//! `run`).
//!
//! Why "highest layer that holds it" is the whole algorithm: a layer that
//! writes `Always` beats everything applied before it, and a layer that
//! writes `IfUnset` loses to everything applied before it. Ordering the
//! layers by who wins (PHPUnit `<server>` > forced `<env>` > the caller >
//! unforced `<env>` > dotenv files) is therefore enough, and the write rule
//! only matters to say *why* a layer ranks where it does.

use crate::model::Setting;
use crate::model::run::{Layer, LayerKind, Overridden, Provenance};
use crate::source::Span;

/// The effective settings of a chain of layers (highest precedence first):
/// one per variable, in the order each variable first appears from the top.
/// Keys are compared as the operating system does: case-sensitively.
pub fn effective(layers: &[Layer]) -> Vec<Setting> {
    let mut keys: Vec<&str> = Vec::new();
    for layer in layers {
        for s in &layer.settings {
            if !keys.contains(&s.key.value.as_str()) {
                keys.push(&s.key.value);
            }
        }
    }
    let mut out = Vec::with_capacity(keys.len());
    for key in keys {
        if let Some(s) = decide(layers, key) {
            out.push(s);
        }
    }
    out
}

/// The setting that decides `key`, with its provenance; `None` when the
/// deciding layer unsets it (pytest-env `U:`).
pub fn decide(layers: &[Layer], key: &str) -> Option<Setting> {
    let mut caller_above = false;
    let mut decided: Option<(usize, &Setting)> = None;
    let mut overrode = Vec::new();
    for (i, layer) in layers.iter().enumerate() {
        if layer.kind == LayerKind::Caller && !layer.known && decided.is_none() {
            caller_above = true;
        }
        // within one layer the last assignment wins (every dotenv loader and
        // PHPUnit's own loop overwrite their own earlier value)
        let Some(s) = layer.settings.iter().rev().find(|s| s.key.value == key) else {
            continue;
        };
        match decided {
            None => decided = Some((i, s)),
            Some(_) => overrode.push(Overridden {
                layer: layer.name.clone(),
                span: s.value_span,
                value: s.value.clone(),
            }),
        }
    }
    let (i, s) = decided?;
    if s.unset {
        return None;
    }
    let mut out = s.clone();
    out.overridable = caller_above;
    out.provenance = Some(Box::new(Provenance {
        layer: layers[i].name.clone(),
        overrode,
        caller_above,
        interpolated: Vec::new(),
        passed_over: Vec::new(),
    }));
    Some(out)
}

/// Resolves `${VAR}`, `${VAR:-default}` and `$VAR` inside values against the
/// effective environment itself, the way phpdotenv and Symfony Dotenv expand
/// a file's values from what is already loaded. A reference to a variable
/// that is not known, or is itself a reference, stays as it is (the value
/// stays unresolved, so no rule judges a name it cannot know).
pub fn interpolate(settings: &mut [Setting]) {
    let snapshot: Vec<(String, String, Span, bool)> = settings
        .iter()
        .map(|s| {
            (
                s.key.value.clone(),
                s.value.clone(),
                s.value_span,
                crate::database::contains_reference(&s.value),
            )
        })
        .collect();
    let lookup = |name: &str| {
        snapshot
            .iter()
            .find(|(k, ..)| k == name)
            .filter(|(.., unresolved)| !unresolved)
            .map(|(_, v, span, _)| (v.clone(), *span))
    };
    for s in settings.iter_mut() {
        if !s.value.contains('$') {
            continue;
        }
        let mut used = Vec::new();
        if let Some(v) = expand(&s.value, &lookup, &mut used)
            && v != s.value
        {
            s.value = v;
            s.verbatim = false;
            if let Some(p) = s.provenance.as_mut() {
                p.interpolated = used;
            }
        }
    }
}

/// `value` with every reference replaced, or `None` when one cannot be.
fn expand(
    value: &str,
    lookup: &dyn Fn(&str) -> Option<(String, Span)>,
    used: &mut Vec<(String, Span)>,
) -> Option<String> {
    let b = value.as_bytes();
    let mut out = String::with_capacity(value.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && b.get(i + 1) == Some(&b'$') {
            out.push('$');
            i += 2;
            continue;
        }
        if b[i] != b'$' {
            let ch = value[i..].chars().next()?;
            out.push(ch);
            i += ch.len_utf8();
            continue;
        }
        if b.get(i + 1) == Some(&b'{') {
            let close = value[i..].find('}')? + i;
            let inner = &value[i + 2..close];
            let (name, default) = match inner.find(":-").or_else(|| inner.find(":=")) {
                Some(p) => (&inner[..p], Some(&inner[p + 2..])),
                None => (inner, None),
            };
            if !is_name(name) {
                return None;
            }
            match (lookup(name), default) {
                (Some((v, span)), _) if !v.is_empty() || default.is_none() => {
                    used.push((name.to_string(), span));
                    out.push_str(&v);
                }
                (_, Some(d)) if !crate::database::contains_reference(d) => out.push_str(d),
                _ => return None,
            }
            i = close + 1;
            continue;
        }
        let end = b[i + 1..]
            .iter()
            .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
            .map_or(b.len(), |p| p + i + 1);
        let name = &value[i + 1..end];
        if !is_name(name) {
            return None;
        }
        let (v, span) = lookup(name)?;
        used.push((name.to_string(), span));
        out.push_str(&v);
        i = end;
    }
    Some(out)
}

fn is_name(s: &str) -> bool {
    s.bytes()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
        && s.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Via;
    use crate::model::run::Write;
    use crate::source::{FileId, Spanned};

    fn set(file: usize, k: &str, v: &str) -> Setting {
        Setting {
            key: Spanned::new(k.into(), Span::new(FileId(file), 0, k.len())),
            value: v.into(),
            value_span: Span::new(FileId(file), k.len() + 1, k.len() + 1 + v.len()),
            verbatim: true,
            overridable: false,
            via: Via::Dotenv,
            unset: false,
            provenance: None,
            raw_offsets: None,
        }
    }

    fn layer(name: &str, kind: LayerKind, write: Write, s: Vec<Setting>) -> Layer {
        Layer::new(name, kind, write, None).with(s)
    }

    #[test]
    fn the_highest_layer_decides_and_records_what_it_beat() {
        let layers = vec![
            layer(
                "server",
                LayerKind::Runner,
                Write::Always,
                vec![set(0, "DB", ":memory:")],
            ),
            Layer::unknown_caller(),
            layer(
                "env",
                LayerKind::Runner,
                Write::IfUnset,
                vec![set(0, "APP_ENV", "testing")],
            ),
            layer(
                ".env.testing",
                LayerKind::Dotenv,
                Write::IfUnset,
                vec![set(1, "DB", "app")],
            ),
        ];
        let eff = effective(&layers);
        let db = eff.iter().find(|s| s.key.value == "DB").expect("DB");
        assert_eq!(db.value, ":memory:");
        let p = db.provenance.as_ref().expect("provenance");
        assert_eq!(p.layer, "server");
        assert!(!p.caller_above && !db.overridable);
        assert_eq!(p.overrode.len(), 1);
        assert_eq!(p.overrode[0].layer, ".env.testing");
        let env = eff
            .iter()
            .find(|s| s.key.value == "APP_ENV")
            .expect("APP_ENV");
        assert!(
            env.overridable,
            "an unknown caller ranks above unforced <env>"
        );
    }

    #[test]
    fn a_known_caller_is_a_layer_like_any_other() {
        let mut caller = Layer::unknown_caller().with(vec![set(2, "DB", "prod")]);
        caller.known = true;
        let layers = vec![
            caller,
            layer(
                ".env",
                LayerKind::Dotenv,
                Write::IfUnset,
                vec![set(1, "DB", "app_test")],
            ),
        ];
        let eff = effective(&layers);
        assert_eq!(eff[0].value, "prod");
        assert!(!eff[0].overridable);
    }

    #[test]
    fn the_last_assignment_in_a_layer_wins_and_unset_removes() {
        let mut u = set(0, "X", "");
        u.unset = true;
        let layers = vec![
            layer(
                "a",
                LayerKind::Dotenv,
                Write::IfUnset,
                vec![set(0, "K", "1"), set(0, "K", "2")],
            ),
            layer("b", LayerKind::Runner, Write::Always, vec![u]),
        ];
        let eff = effective(&layers);
        assert_eq!(eff.len(), 1);
        assert_eq!(eff[0].value, "2");
        let layers = vec![
            layers[1].clone(),
            layer(
                "c",
                LayerKind::Dotenv,
                Write::IfUnset,
                vec![set(1, "X", "v")],
            ),
        ];
        assert!(effective(&layers).is_empty(), "U: beats the lower value");
    }

    #[test]
    fn interpolation_uses_the_effective_values() {
        let mut eff = effective(&[layer(
            ".env.test",
            LayerKind::Dotenv,
            Write::IfUnset,
            vec![
                set(0, "NAME", "shop"),
                set(0, "URL", "mysql://root@${NAME}-db:3306/${NAME}_test"),
                set(0, "OTHER", "${MISSING}"),
                set(0, "DEF", "${MISSING:-x}_y"),
                set(0, "ESC", "\\$NAME"),
            ],
        )]);
        interpolate(&mut eff);
        let v = |k: &str| {
            eff.iter()
                .find(|s| s.key.value == k)
                .map(|s| s.value.clone())
        };
        assert_eq!(
            v("URL").as_deref(),
            Some("mysql://root@shop-db:3306/shop_test")
        );
        assert_eq!(v("OTHER").as_deref(), Some("${MISSING}"));
        assert_eq!(v("DEF").as_deref(), Some("x_y"));
        assert_eq!(v("ESC").as_deref(), Some("$NAME"));
        let url = eff.iter().find(|s| s.key.value == "URL").expect("URL");
        assert!(!url.verbatim);
        assert_eq!(
            url.provenance.as_ref().map(|p| p.interpolated.len()),
            Some(2)
        );
    }
}
