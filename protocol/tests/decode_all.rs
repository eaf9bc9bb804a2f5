//! `Entry::decode_all`, which judges the signatures of many lines together, gives each line
//! the result `Entry::decode` gives it alone: the same entries, the same errors, in order.

use audacities_protocol::Entry;
use audacities_protocol::draft::{Draft, Format};
use audacities_protocol::key::SecretKey;
use proptest::prelude::*;

/// Lines signed by three keys, from the example case study.
fn lines() -> Vec<Vec<u8>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/01-case_study-fr.toml"
    );
    let text = std::fs::read_to_string(path).expect("example");
    let draft = Draft::parse(&text, Format::Toml).expect("draft");
    (0..12u64)
        .map(|n| {
            let key = SecretKey::from_bytes([n as u8 % 3 + 1; 32]);
            let created = 1_700_000_000_000 + n * 60_000;
            Entry::sign(&draft, &key, created, None)
                .expect("sign")
                .bytes()
                .to_vec()
        })
        .collect()
}

/// What a result says, comparable.
fn outcome(result: Result<Entry, audacities_protocol::EntryError>) -> Result<Vec<u8>, String> {
    result
        .map(|e| e.bytes().to_vec())
        .map_err(|e| e.to_string())
}

proptest! {
    #[test]
    fn each_line_gets_the_result_it_gets_alone(
        flips in proptest::collection::vec((0usize..12, any::<prop::sample::Index>(), 0u8..8), 0..6),
        rotate in 0usize..12,
    ) {
        let mut lines = lines();
        // Some lines altered: a bit flipped anywhere (signature, header, body, JSON syntax).
        for (line, at, bit) in flips {
            let at = at.index(lines[line].len());
            lines[line][at] ^= 1 << bit;
        }
        lines.rotate_left(rotate);
        let refs: Vec<&[u8]> = lines.iter().map(Vec::as_slice).collect();
        let alone: Vec<_> = refs.iter().map(|b| outcome(Entry::decode(b))).collect();
        let together: Vec<_> = Entry::decode_all(&refs).into_iter().map(outcome).collect();
        prop_assert_eq!(together, alone);
    }
}

#[test]
fn a_bad_signature_among_good_ones_is_the_only_one_refused() {
    let mut lines = lines();
    // The last byte of the signature's hex text, changed to another hex digit.
    let at = lines[5].len() - 3;
    lines[5][at] = if lines[5][at] == b'0' { b'1' } else { b'0' };
    let refs: Vec<&[u8]> = lines.iter().map(Vec::as_slice).collect();
    let results = Entry::decode_all(&refs);
    for (n, result) in results.iter().enumerate() {
        match result {
            Ok(entry) => assert_ne!(n, 5, "line 5 accepted: {:?}", entry.id()),
            Err(e) => {
                assert_eq!(n, 5, "line {n} refused: {e}");
                assert!(
                    matches!(e, audacities_protocol::EntryError::BadSignature { .. }),
                    "{e}"
                );
            }
        }
    }
    assert!(Entry::decode_all(&[]).is_empty());
}
