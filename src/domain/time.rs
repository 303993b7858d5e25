//! Time zones and times typed by people: `--since 2026-11-02`, `--tz Europe/Berlin`.

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone, Utc};
use chrono_tz::Tz;

use crate::error::{Error, Result};

/// An IANA time zone by name (`Europe/Berlin`, `UTC`).
pub fn zone(name: &str) -> Result<Tz> {
    name.trim()
        .parse::<Tz>()
        .map_err(|_| Error::UnknownTimeZone { name: name.to_string() })
}

/// The system's time zone, or UTC when it cannot be told.
pub fn local_zone_name() -> String {
    iana_time_zone::get_timezone()
        .ok()
        .filter(|name| zone(name).is_ok())
        .unwrap_or_else(|| "UTC".into())
}

/// A moment from RFC 3339 (`2026-11-02T14:30:00Z`), or a local date or date and
/// time in `tz` (`2026-11-02`, `2026-11-02 14:30`). A bare date means the start
/// of that day, or with `end_of_day` the start of the next (for exclusive ends).
pub fn parse_time(text: &str, tz: Tz, end_of_day: bool) -> Result<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    let naive = if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        let day = if end_of_day { day.succ_opt().unwrap_or(day) } else { day };
        day.and_hms_opt(0, 0, 0)
    } else {
        [
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%dT%H:%M",
        ]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
    };
    let naive = naive.ok_or_else(|| Error::BadTime { text: text.to_string() })?;
    // In a daylight-saving gap there is no such local time; in an overlap take the first.
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| Error::TimeInGap {
            text: text.to_string(),
            zone: tz.name().to_string(),
        })
}

/// `2026-11-02T15:30:00.123+01:00`: the moment in `tz`, to the millisecond.
pub fn format_time(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_dates_local_times_and_rfc3339() {
        let berlin = zone("Europe/Berlin").unwrap();
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert_eq!(
            parse_time("2026-11-02", berlin, false).unwrap(),
            at("2026-11-01T23:00:00Z")
        );
        assert_eq!(
            parse_time("2026-11-02", berlin, true).unwrap(),
            at("2026-11-02T23:00:00Z")
        );
        assert_eq!(
            parse_time("2026-07-02 14:30", berlin, false).unwrap(),
            at("2026-07-02T12:30:00Z")
        );
        assert_eq!(
            parse_time("2026-07-02T14:30:00Z", berlin, true).unwrap(),
            at("2026-07-02T14:30:00Z")
        );
        let message = parse_time("last tuesday", berlin, false).unwrap_err().to_string();
        assert!(message.contains("is not a time"), "{message}");
        assert!(parse_time("2026-03-29 02:30", berlin, false).is_err(), "a DST gap");
    }

    #[test]
    fn formats_with_the_zone_offset_of_that_day() {
        let berlin = zone("Europe/Berlin").unwrap();
        let winter = DateTime::parse_from_rfc3339("2026-01-10T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let summer = DateTime::parse_from_rfc3339("2026-07-10T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(format_time(winter, berlin), "2026-01-10T13:00:00.000+01:00");
        assert_eq!(format_time(summer, berlin), "2026-07-10T14:00:00.000+02:00");
        assert_eq!(format_time(summer, zone("UTC").unwrap()), "2026-07-10T12:00:00.000Z");
        assert!(zone("Mars/Olympus").is_err());
    }
}
