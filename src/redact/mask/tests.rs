//! Tests of [`Mask`] and [`MaskedWriter`], and two measurements run by
//! hand.

use std::fmt::Write as _;

use proptest::prelude::*;

use super::*;
use crate::redact::testing::{A, B, grouped, hex_key, leaked, separator};

fn id(key: &str) -> String {
    securekey::Key::parse(key.as_bytes()).map(|k| k.id().to_string()).unwrap_or_default()
}

fn mask_of(values: &[&str]) -> Mask {
    let mut mask = Mask::new();
    for v in values {
        mask.add_value(v.as_bytes());
    }
    mask
}

#[test]
fn mask_masks_windows_of_values_however_printed() {
    let mask = mask_of(&[&format!("{A},{B}"), "junk"]);
    let texts = [
        format!("key {A} here"),
        A.to_ascii_lowercase(),
        format!("x {} y", grouped(B, 8, " ")),
        grouped(&A[5..30], 3, "-\n"),
        format!("\"{}\"", &B[40..48]),
        format!("{}…{}", &A[..4], &A[4..8]),
    ];
    for (i, text) in texts.iter().enumerate() {
        let out = mask.mask(text.as_bytes());
        assert!(
            leaked(&out, A).is_none() && leaked(&out, B).is_none(),
            "#{i}"
        );
        assert!(matches!(out, Cow::Owned(_)), "#{i}");
    }
    assert_eq!(
        &*mask.mask_str(&format!("k={A}.")),
        format!("k={}.", "*".repeat(64))
    );
    assert_eq!(&*mask.mask_str(&format!("[{}]", &A[..8])), "[********]");
    // Seven chars are not a window.
    assert_eq!(&*mask.mask_str(&A[..7]), &A[..7]);
}

/// Found by fuzz/pipeline: a window of a checked value that ran into a
/// colour code (`SECURE_KEY` then `ESC [ 3 1 m`, a value holding
/// `SECURE_KEY=3…`) masked the code's digit: `ESC [ * 1 m`, raw on the
/// terminal. Colour codes are separators, and stay whole.
#[test]
fn mask_leaves_colour_codes_whole() {
    let mask = mask_of(&["21,345678_SECURE_KEY=36"]);
    let line = "SECURE_KEY  \x1b[31merror  \x1b[0m  latest --------\n";
    assert!(matches!(mask.mask(line.as_bytes()), Cow::Borrowed(_)));
    // A value split by a colour code is still masked, the code whole.
    let mask = mask_of(&[A]);
    let painted = format!("\x1b[1m{}\x1b[0m{}\x1b[31;1m", &A[..4], &A[4..12]);
    let out = mask.mask(painted.as_bytes());
    assert_eq!(&*out, "\x1b[1m****\x1b[0m********\x1b[31;1m".as_bytes());
    let mut w = MaskedWriter::new(Vec::new(), &mask);
    write!(w, "{painted}").unwrap();
    w.finish().unwrap();
    assert_eq!(w.get_ref().as_slice(), &*out);
}

#[test]
fn mask_keeps_ids_names_and_words() {
    let mask = mask_of(&[&format!("{A},{B}")]);
    let report = format!(
        "SECURE_KEY  ok       latest {}  previous {}\n{{\"latest_id\":\"{}\",\"previous_id\":\"{}\"}}\n",
        id(A),
        id(B),
        id(A),
        id(B)
    );
    assert!(matches!(mask.mask(report.as_bytes()), Cow::Borrowed(_)));
    // Placeholder values: words are not key material.
    let mask = mask_of(&["your-secure-key-here", "${SECURE_KEY}", "changeme"]);
    let line =
        "error[not-hex] SECURE_KEY (latest): not a key — fix: `heroku config:set SECURE_KEY=…`";
    assert!(matches!(mask.mask(line.as_bytes()), Cow::Borrowed(_)));
    // … but a malformed value's hex and digit windows are.
    let mask = mask_of(&["not-a-key-but-DEADBEEF12-inside"]);
    assert_eq!(&*mask.mask_str("x DEADBEEF12 y"), "x ********** y");
    assert_eq!(&*mask.mask_str("x DEAD-BEEF y"), "x ****-**** y");
}

#[test]
fn mask_leaves_nothing_to_join_around_a_masked_stretch() {
    // Key A's first 4 and next 4 chars around a whole copy of B: B is
    // masked, and what is left (A[..8] once the stars are skipped) is
    // masked too.
    let mask = mask_of(&[A, B]);
    let text = format!("{}{B}{}", &A[..4], &A[4..8]);
    let out = mask.mask(text.as_bytes());
    assert!(leaked(&out, A).is_none() && leaked(&out, B).is_none());
    assert_eq!(&*out, "*".repeat(72).as_bytes());
    // Nested: pieces of A around pieces of B around a piece of A.
    let text = format!(
        "{}{}{}{}{}",
        &A[..3],
        &B[..5],
        &A[20..28],
        &B[5..8],
        &A[3..8]
    );
    let out = mask.mask(text.as_bytes());
    assert!(leaked(&out, A).is_none() && leaked(&out, B).is_none());
}

#[test]
fn masked_writer_catches_windows_split_across_writes_and_lines() {
    let mask = mask_of(&[&format!("{A},{B}")]);
    let mut w = MaskedWriter::new(Vec::new(), &mask);
    write!(w, "ok {}", &A[..3]).unwrap();
    writeln!(w, "{}", &A[3..6]).unwrap();
    writeln!(w, "{} done", &A[6..12]).unwrap();
    writeln!(w, "latest {}", id(A)).unwrap();
    w.write_all(b"no newline at the end ").unwrap();
    w.write_all(&B.as_bytes()[..9]).unwrap();
    w.finish().unwrap();
    let out = w.get_ref().clone();
    assert!(leaked(&out, A).is_none() && leaked(&out, B).is_none());
    assert!(String::from_utf8(out).unwrap().contains(&id(A)));
    // Lines are written as their newline arrives.
    let mut w = MaskedWriter::new(Vec::new(), &mask);
    w.write_all(b"one\ntwo").unwrap();
    assert_eq!(w.get_ref(), b"one\n");
    w.flush().unwrap();
    assert_eq!(w.get_ref(), b"one\ntwo");
}

#[test]
fn masked_writer_writes_the_rest_when_dropped() {
    let mask = mask_of(&[A]);
    let mut sink = Vec::new();
    {
        let mut w = MaskedWriter::new(&mut sink, &mask);
        write!(w, "tail {A}").unwrap();
    }
    assert_eq!(sink, format!("tail {}", "*".repeat(64)).as_bytes());
}

/// Random uppercase hex keys from a seed (no RNG crate needed).
fn keys(n: usize, mut seed: u64) -> Vec<String> {
    (0..n)
        .map(|_| {
            (0..64)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    char::from(b"0123456789ABCDEF"[(seed & 15) as usize])
                })
                .collect()
        })
        .collect()
}

#[test]
fn a_large_mask_screens_in_batches_and_still_masks() {
    let keys = keys(2 * 700, 0x2545_F491_4F6C_DD1D);
    let mut mask = Mask::new();
    for pair in keys.chunks(2) {
        mask.add_value(format!("{},{}", pair[0], pair[1]).as_bytes());
    }
    assert!(!mask.streams(), "past INDEX_MAX_WINDOWS");
    let mut w = MaskedWriter::new(Vec::new(), &mask);
    for (i, key) in keys.iter().enumerate() {
        writeln!(w, "APP{i}_SECURE_KEY  ok  latest {}", id(key)).unwrap();
    }
    // Held: less output than key material so far.
    assert!(w.get_ref().is_empty());
    writeln!(
        w,
        "leak {} and {}",
        &keys[7][3..20],
        keys[900].to_ascii_lowercase()
    )
    .unwrap();
    w.finish().unwrap();
    let out = w.get_ref().clone();
    for key in [&keys[7], &keys[900]] {
        assert!(leaked(&out, key).is_none());
    }
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains(&id(&keys[0])) && text.contains("APP1399_SECURE_KEY"));
    // The one-shot form too.
    let line = format!("x {} y", &keys[1234][10..30]);
    assert!(leaked(&mask.mask(line.as_bytes()), &keys[1234]).is_none());
    assert!(matches!(mask.mask(b"latest 9c1e04ab"), Cow::Borrowed(_)) || mask.windows > 0);
}

#[test]
fn mask_debug_holds_no_material() {
    let mask = mask_of(&[A]);
    let debug = format!("{mask:?}");
    assert!(leaked(debug.as_bytes(), A).is_none());
    assert_eq!(debug, "Mask { windows: 57 }");
}

/// Measures the mask on SPEC §9's largest env: 10,000 key vars (20,000
/// distinct keys, 1.14 M windows) and their report. Not a test of time
/// (run it with `cargo test --release --lib redact -- --ignored
/// --nocapture`).
#[test]
#[ignore = "a measurement, run by hand in release mode"]
fn measure_10000_key_vars() {
    use std::time::Instant;
    let keys = keys(20_000, 0x9E37_79B9_7F4A_7C15);
    let values: Vec<String> = keys
        .chunks(2)
        .map(|p| format!("{},{}", p[0], p[1]))
        .collect();
    let mut report = String::new();
    for (i, pair) in keys.chunks(2).enumerate() {
        writeln!(
            report,
            "APP{i}_SECURE_KEY  ok       latest {}  previous {}",
            id(&pair[0]),
            id(&pair[1])
        )
        .unwrap();
    }
    for round in 0..3 {
        let started = Instant::now();
        let mut mask = Mask::new();
        for v in &values {
            mask.add_value(v.as_bytes());
        }
        let built = started.elapsed();
        let started = Instant::now();
        let mut w = MaskedWriter::new(Vec::with_capacity(report.len()), &mask);
        for line in report.lines() {
            writeln!(w, "{line}").unwrap();
        }
        w.finish().unwrap();
        let masked = started.elapsed();
        let changed = w.get_ref().as_slice() != report.as_bytes();
        let t = Instant::now();
        let asked = mask.candidates(Window::default(), report.as_bytes());
        let t_candidates = t.elapsed();
        let t = Instant::now();
        let hits = mask.material_hits(&asked);
        let t_hits = t.elapsed();
        let t = Instant::now();
        let known = Known::screened(asked, hits);
        let (_, unknown) = mask.mask_greedy(&mut Window::default(), report.as_bytes(), &known);
        let t_greedy = t.elapsed();
        eprintln!(
            "  candidates {t_candidates:?} ({} windows), material pass {t_hits:?} ({} hits), greedy {t_greedy:?} ({} unknown)",
            known_len(&known).0,
            known_len(&known).1,
            unknown.len()
        );
        let started = Instant::now();
        let index = mask.index().len();
        let indexed = started.elapsed();
        eprintln!(
            "round {round}: {} windows; add_value x10,000 {built:?}; mask a {} KB report {masked:?} (changed: {changed}); full set (only built when a batch holds key material) {indexed:?} for {index}",
            mask.windows,
            report.len() / 1000
        );
    }
}

/// The same on a realistic app: 3 key vars, a 10-line report.
#[test]
#[ignore = "a measurement, run by hand in release mode"]
fn measure_a_realistic_app() {
    use std::time::Instant;
    let keys = keys(6, 0x5851_F42D_4C95_7F2D);
    let mut report = String::new();
    for i in 0..10 {
        writeln!(
            report,
            "APP{i}_SECURE_KEY  ok  latest {}  previous {}",
            id(&keys[0]),
            id(&keys[1])
        )
        .unwrap();
    }
    for round in 0..3 {
        let started = Instant::now();
        let mut mask = Mask::new();
        for pair in keys.chunks(2) {
            mask.add_value(format!("{},{}", pair[0], pair[1]).as_bytes());
        }
        let mut w = MaskedWriter::new(Vec::new(), &mask);
        for line in report.lines() {
            writeln!(w, "{line}").unwrap();
        }
        w.finish().unwrap();
        eprintln!(
            "round {round}: build + mask 10 lines {:?}",
            started.elapsed()
        );
    }
}

fn known_len(known: &Known<'_>) -> (usize, usize) {
    match known {
        Known::Index(set) => (set.len(), set.len()),
        Known::Screened { asked, hits, .. } => (asked.len(), hits.len()),
    }
}

proptest! {
    #[test]
    fn mask_leaves_no_window_of_an_added_value(
        keys in proptest::collection::vec(hex_key(), 1..4),
        pieces in proptest::collection::vec((0usize..4, 0usize..64, 1usize..64, any::<bool>(), separator()), 0..8),
        noise in proptest::collection::vec("[ -~\n]{0,12}", 8),
    ) {
        let mut mask = Mask::new();
        for pair in keys.chunks(2) {
            mask.add_value(pair.join(",").as_bytes());
        }
        let mut text = String::new();
        for (i, (k, start, len, lower, sep)) in pieces.iter().enumerate() {
            let key = &keys[k % keys.len()];
            let end = (start + len).min(64);
            let piece = &key[*start.min(&end)..end];
            let piece = if *lower { piece.to_ascii_lowercase() } else { piece.to_owned() };
            text.push_str(&noise[i]);
            text.push_str(&grouped(&piece, 5, sep));
        }
        let out = mask.mask(text.as_bytes());
        for key in &keys {
            prop_assert!(leaked(&out, key).is_none());
        }
        // A writer fed in uneven pieces does as well.
        let mut w = MaskedWriter::new(Vec::new(), &mask);
        for chunk in text.as_bytes().chunks(7) {
            w.write_all(chunk).unwrap();
        }
        w.finish().unwrap();
        for key in &keys {
            prop_assert!(leaked(w.get_ref(), key).is_none());
        }
    }
}
