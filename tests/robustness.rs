//! Bad input never panics, and every span stays meaningful: each fixture file
//! is mutated thousands of times (truncated, spliced, garbage inserted) and
//! linted through the whole pipeline and both renderers. Deterministic, so a
//! failure reproduces; the fuzz targets (issue on hardening) go further.

mod common;

use testguard::kinds::classify;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const SPICE: &[&str] = &[
    "\"",
    "'",
    "`",
    "<",
    ">",
    "/>",
    "<!--",
    "-->",
    "=",
    "[",
    "]",
    "{",
    "}",
    "#",
    ";",
    "\n",
    "\r",
    "\r\n",
    "\t",
    ":",
    "$",
    "${",
    "${{",
    "%env(",
    "\\",
    "&amp;",
    "&lol;",
    "é",
    "\u{feff}",
    "\u{0}",
    "🦀",
    "postgres://u:p@h/db",
    "--ds=",
    "D:",
    "U:",
    "[pytest]",
    "<env name=\"DB_DATABASE\" value=\"x\"/>",
    "sk_live_aaaaaaaaaaaa",
    "\"\"\"",
];

fn floor(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn mutate(rng: &mut Rng, seed: &str) -> String {
    let mut s = seed.to_string();
    for _ in 0..1 + rng.below(4) {
        let a = floor(&s, rng.below(s.len() + 1));
        let b = floor(&s, a + rng.below(40));
        match rng.below(5) {
            0 => s.truncate(a),
            1 => s.insert_str(a, SPICE[rng.below(SPICE.len())]),
            2 => s.replace_range(a..b.max(a), ""),
            3 => {
                let chunk = s[a..b.max(a)].to_string();
                s.insert_str(b.max(a), &chunk);
            }
            _ => s.insert_str(a, &SPICE[rng.below(SPICE.len())].repeat(1 + rng.below(50))),
        }
    }
    s
}

fn seeds() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![common::fixtures_dir()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("read fixtures").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let name = p
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_string();
            if let (Some(_), Ok(text)) = (classify(&name), std::fs::read_to_string(&p)) {
                let rel = p
                    .strip_prefix(common::fixtures_dir())
                    .map(|r| r.to_string_lossy().replace('\\', "/"))
                    .unwrap_or(name);
                out.push((rel, text));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn mutated_inputs_never_panic_and_spans_stay_inside_their_text() {
    // longer runs: TESTGUARD_MUTATIONS=5000 TESTGUARD_SEED=7 cargo test --release --test robustness
    let per_seed: usize = std::env::var("TESTGUARD_MUTATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(120);
    let seed: u64 = std::env::var("TESTGUARD_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5eed_1234_abcd_ef01);
    let seeds: Vec<(String, String)> = seeds()
        .into_iter()
        .filter(|(path, _)| classify(path).is_some())
        .collect();
    assert!(seeds.len() > 40, "seed files missing");
    // one generator per seed file (derived from the seed and its place), so
    // the files can be spread over every core and a failure still
    // reproduces with the same TESTGUARD_SEED
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let runs = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some((path, text)) = seeds.get(i) else {
                        break;
                    };
                    let mut rng = Rng((seed ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)) | 1);
                    for _ in 0..per_seed {
                        let input = mutate(&mut rng, text);
                        if let Err(e) =
                            testguard_invariants::lint_one_and_check(path, input.as_bytes())
                        {
                            panic!("{path}: {e}\ninput: {input:?}");
                        }
                        runs.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                }
            });
        }
    });
    let runs = runs.into_inner();
    assert!(runs > 5000, "only {runs} runs");
}
