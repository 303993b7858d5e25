//! The words a shipment history uses that Waybill gives a meaning to: the
//! field that holds a shipment's status, the events it counts, and the order
//! shipments go through their statuses (for lists and charts; statuses it
//! does not know come after, by name).

/// The field of `changes` (and of a snapshot) that holds the status.
pub const STATUS_FIELD: &str = "status";

/// The event that removed a record (the word every layout's deletions are shown as).
pub const DELETED: &str = "deleted";

/// The event that raises an exception on a shipment (its description says why).
pub const EXCEPTION_RAISED: &str = "exception_raised";

/// The order shipments go through statuses.
pub const STATUS_ORDER: &[&str] = &[
    "booked",
    "picked_up",
    "in_transit",
    "at_hub",
    "at_customs",
    "on_hold",
    "exception",
    "out_for_delivery",
    "delivered",
    "cancelled",
];

/// Statuses a shipment does not leave: nothing changes it any more.
pub const FINAL_STATUSES: &[&str] = &["delivered", "cancelled"];

/// Where `status` comes in a shipment's course: known ones in order, others after.
pub fn status_rank(status: &str) -> usize {
    STATUS_ORDER
        .iter()
        .position(|s| *s == status)
        .unwrap_or(STATUS_ORDER.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_statuses_come_in_course_order_and_others_after() {
        assert!(status_rank("booked") < status_rank("delivered"));
        assert_eq!(status_rank("zzz_custom"), STATUS_ORDER.len());
        for s in FINAL_STATUSES {
            assert!(STATUS_ORDER.contains(s));
        }
    }
}
