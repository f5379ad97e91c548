#![no_main]
//! The database URL / DSN parser: every part and secret range lies inside the
//! value, on character boundaries, and masking keeps the length.
use libfuzzer_sys::fuzz_target;
use testguard::database::{DatabaseRef, DbKeyKind};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    for kind in [DbKeyKind::Url, DbKeyKind::Name, DbKeyKind::Host] {
        let r = DatabaseRef::parse(value, kind);
        let parts = [&r.user, &r.password, &r.host, &r.port, &r.name];
        for p in parts.into_iter().flatten() {
            assert!(
                value.get(p.range.clone()) == Some(p.text.as_str()),
                "part {p:?} of {value:?}"
            );
        }
        for s in &r.secrets {
            assert!(
                value.get(s.clone()).is_some(),
                "secret range {s:?} of {value:?}"
            );
        }
        // snippets are cut from the byte-for-byte mask: same length, and
        // every secret byte is `*`
        let masked = testguard::mask::mask_bytes(value, &r.secrets);
        assert_eq!(masked.len(), value.len());
        for s in &r.secrets {
            let (m, v) = (&masked.as_bytes()[s.clone()], &value.as_bytes()[s.clone()]);
            assert!(
                m.iter().all(|&b| b == b'*'),
                "secret {:?} of {value:?} not masked",
                String::from_utf8_lossy(v)
            );
        }
        let _ = testguard::database::tokens(value);
        let _ = testguard::database::reference_names(value);
        let _ = testguard::database::is_local_host(value, &[]);
    }
});
