//! The concurrency test's own shipments: how a run labels the shipments it
//! creates, and the one rule that recognises them (the whole label, never the
//! title alone), which the shipment list, the overview, the simulator and the
//! clean-up all use: a real shipment retitled to the label stays a real one.

/// The title a run gives the shipments it creates.
pub const TITLE: &str = "Concurrency test shipment (created by Waybill)";
/// Their status.
pub const STATUS: &str = "test";
/// Their origin and destination.
pub const PLACE: &str = "Waybill";
/// `TEST-`, 8 capital hex digits of the run id, `-`, the shipment's number.
pub const REFERENCE_PATTERN: &str = "^TEST-[0-9A-F]{8}-[0-9]{3}$";

/// The reference of a run's `n`th test shipment.
pub fn reference(run_id: &str, n: u32) -> String {
    let prefix: String = run_id.chars().take(8).collect::<String>().to_uppercase();
    format!("TEST-{prefix}-{n:03}")
}

/// SQL that is true for a test shipment of the shipments table under `alias`.
/// The label is made of our own constants (no quote in them: a test checks),
/// written as literals so the rule reads the same in every statement.
pub fn is_test(alias: &str) -> String {
    format!(
        "({alias}.title = '{TITLE}' AND {alias}.status = '{STATUS}' AND {alias}.origin = '{PLACE}' \
         AND {alias}.destination = '{PLACE}' AND {alias}.reference ~ '{REFERENCE_PATTERN}')"
    )
}

/// SQL that is true for every other shipment, those with NULLs in the label's
/// columns included (a plain `NOT` of a NULL would hide them).
pub fn is_real(alias: &str) -> String {
    format!("NOT COALESCE({}, false)", is_test(alias))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_label_is_safe_to_write_as_literals() {
        for part in [TITLE, STATUS, PLACE, REFERENCE_PATTERN] {
            assert!(!part.contains('\''), "{part}");
        }
        assert_eq!(reference("0123abcdef", 7), "TEST-0123ABCD-007");
        assert!(is_real("s").starts_with("NOT COALESCE((s.title = "));
    }
}
