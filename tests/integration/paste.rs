//! What users paste never crashes Waybill: a `postgres://` URL with anything
//! in it (in the app it is parsed on the GUI thread, where a panic takes the
//! window down). Arbitrary strings, and arbitrary text after the scheme.

use proptest::prelude::*;
use waybill::profiles::Profile;

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

    #[test]
    fn any_text_is_a_url_or_a_clear_error(text in any::<String>()) {
        check(&text);
    }

    #[test]
    fn any_text_after_the_scheme_is_a_url_or_a_clear_error(rest in "[%@:/?&=a-z0-9é€😀\\[\\] .#-]{0,40}") {
        check(&format!("postgres://{rest}"));
        check(&format!("postgresql://u:p%{rest}@h/db?sslmode={rest}"));
    }
}

fn check(url: &str) {
    if let Err(e) = waybill::db::parse_url(url) {
        assert_eq!(e.code(), "bad_url");
    }
    match Profile::from_url("pasted", url) {
        Ok(_) => {}
        Err(e) => assert!(["bad_url", "invalid_input"].contains(&e.code()), "{}: {e}", e.code()),
    }
}

#[test]
fn a_percent_before_a_multibyte_character_is_no_crash() {
    // Found by the property above: `%` then `é` used to slice a char in half.
    check("postgres://u:p%é@h/db");
    check("postgres://u:%€x@h/db");
}
