//! Address splitting and domain normalisation: no panic, and normalising
//! twice gives the same result as once.
#![no_main]

use libfuzzer_sys::fuzz_target;
use misdirect::domain::{normalize_domain, registrable, split_address, unicode_form, unquote_local};

fuzz_target!(|data: &[u8]| {
    let a = split_address(data);
    let _ = unquote_local(a.local);
    let mut once = Vec::new();
    normalize_domain(a.domain, &mut once);
    let mut twice = Vec::new();
    normalize_domain(&once, &mut twice);
    assert_eq!(once, twice);
    let s = String::from_utf8_lossy(&once);
    let _ = registrable(&s);
    let _ = unicode_form(&s);
});
