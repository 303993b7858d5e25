//! A moment as PostgreSQL's `timestamptz` holds it. Other people's data holds
//! `infinity`, `-infinity` and years chrono cannot represent (PostgreSQL goes
//! to 294276 AD, chrono to 262143), and sqlx's chrono decoding panics on them.
//! Every timestamp Waybill reads from a history table is a `Moment`: it shows
//! whatever is stored, and orders as PostgreSQL orders.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, SecondsFormat, Timelike, Utc};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo, PgValueFormat, PgValueRef};
use sqlx::{Decode, Encode, Postgres, Type};

/// Microseconds between 1970-01-01 and 2000-01-01, PostgreSQL's epoch.
const PG_EPOCH_UNIX_MICROS: i64 = 946_684_800_000_000;
const MICROS_PER_DAY: i64 = 86_400_000_000;

/// Microseconds since 2000-01-01 UTC, as PostgreSQL stores them; `i64::MAX`
/// and `i64::MIN` are its `infinity` and `-infinity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Moment(i64);

impl Moment {
    pub const INFINITY: Moment = Moment(i64::MAX);
    pub const NEG_INFINITY: Moment = Moment(i64::MIN);

    pub fn is_finite(self) -> bool {
        self != Moment::INFINITY && self != Moment::NEG_INFINITY
    }

    /// The moment `micros` microseconds after 2000-01-01 UTC.
    pub fn from_micros(micros: i64) -> Moment {
        Moment(micros)
    }

    /// Microseconds since 2000-01-01 UTC (`i64::MAX` / `i64::MIN` for ±infinity).
    pub fn micros(self) -> i64 {
        self.0
    }

    /// The UTC day it falls on, as days since 2000-01-01; none for ±infinity.
    pub fn utc_day(self) -> Option<i64> {
        self.is_finite().then(|| self.0.div_euclid(MICROS_PER_DAY))
    }

    /// The moment as chrono holds it, when chrono can.
    pub fn to_utc(self) -> Option<DateTime<Utc>> {
        if !self.is_finite() {
            return None;
        }
        let unix = self.0.checked_add(PG_EPOCH_UNIX_MICROS)?;
        DateTime::from_timestamp_micros(unix)
    }

    /// `2026-11-02T10:00:00.000Z`; years outside 0–9999 in ISO 8601's
    /// expanded form (`+010000-01-01T…`), which browsers read; `infinity` and
    /// `-infinity` as PostgreSQL writes them.
    pub fn to_rfc3339(self) -> String {
        if self == Moment::INFINITY {
            return "infinity".into();
        }
        if self == Moment::NEG_INFINITY {
            return "-infinity".into();
        }
        if let Some(t) = self.to_utc().filter(|t| (0..=9999).contains(&t.year())) {
            return t.to_rfc3339_opts(SecondsFormat::Micros, true);
        }
        let days = self.0.div_euclid(MICROS_PER_DAY);
        let of_day = self.0.rem_euclid(MICROS_PER_DAY);
        let (year, month, day) = civil_from_days(days + DAYS_FROM_CIVIL_EPOCH_TO_2000);
        let (secs, micros) = (of_day / 1_000_000, of_day % 1_000_000);
        format!(
            "{}{:06}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{micros:06}Z",
            if year < 0 { "-" } else { "+" },
            year.abs(),
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )
    }

    /// In UTC to the millisecond (`2026-11-02T10:00:00.000Z`), or as `to_rfc3339`
    /// outside the years 0–9999.
    pub fn utc_millis(self) -> String {
        match self.to_utc() {
            Some(t) if (0..=9999).contains(&t.year()) => t.to_rfc3339_opts(SecondsFormat::Millis, true),
            _ => self.to_rfc3339(),
        }
    }

    /// Shown in `tz` to the millisecond, or as stored when outside chrono's range.
    pub fn format_in(self, tz: chrono_tz::Tz) -> String {
        match self.to_utc() {
            Some(t) if (0..=9999).contains(&t.year()) => {
                t.with_timezone(&tz).to_rfc3339_opts(SecondsFormat::Millis, true)
            }
            _ => self.to_rfc3339(),
        }
    }
}

impl From<DateTime<Utc>> for Moment {
    fn from(t: DateTime<Utc>) -> Moment {
        Moment(t.timestamp_micros() - PG_EPOCH_UNIX_MICROS)
    }
}

impl fmt::Display for Moment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl FromStr for Moment {
    type Err = String;
    /// Reads what `to_rfc3339` writes (and any RFC 3339 time).
    fn from_str(s: &str) -> Result<Moment, String> {
        match s {
            "infinity" => return Ok(Moment::INFINITY),
            "-infinity" => return Ok(Moment::NEG_INFINITY),
            _ => {}
        }
        if let Ok(t) = DateTime::parse_from_rfc3339(s) {
            return Ok(t.with_timezone(&Utc).into());
        }
        // Expanded years: ±YYYYYY-MM-DDTHH:MM:SS.ffffffZ.
        let bad = || format!("`{s}` is not a time");
        let (sign, rest) = match s.split_at_checked(1) {
            Some(("+", rest)) => (1, rest),
            Some(("-", rest)) => (-1, rest),
            _ => return Err(bad()),
        };
        let (year, rest) = rest.split_at_checked(6).ok_or_else(bad)?;
        let year: i64 = year.parse().map_err(|_| bad())?;
        let naive = chrono::NaiveDateTime::parse_from_str(&format!("2000{rest}"), "%Y-%m-%dT%H:%M:%S%.fZ")
            .map_err(|_| bad())?;
        let days = days_from_civil(sign * year, naive.month(), naive.day()) - DAYS_FROM_CIVIL_EPOCH_TO_2000;
        let of_day = i64::from(naive.num_seconds_from_midnight()) * 1_000_000 + i64::from(naive.nanosecond() / 1000);
        days.checked_mul(MICROS_PER_DAY)
            .and_then(|d| d.checked_add(of_day))
            .map(Moment)
            .ok_or_else(bad)
    }
}

impl serde::Serialize for Moment {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> serde::Deserialize<'de> for Moment {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Moment, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl ts_rs::TS for Moment {
    type WithoutGenerics = Moment;
    type OptionInnerType = Moment;
    fn name(_: &ts_rs::Config) -> String {
        "string".into()
    }
    fn inline(cfg: &ts_rs::Config) -> String {
        Self::name(cfg)
    }
}

impl Type<Postgres> for Moment {
    fn type_info() -> PgTypeInfo {
        PgTypeInfo::with_name("timestamptz")
    }
}

impl<'r> Decode<'r, Postgres> for Moment {
    fn decode(value: PgValueRef<'r>) -> Result<Moment, BoxDynError> {
        match value.format() {
            PgValueFormat::Binary => {
                let bytes: [u8; 8] = value.as_bytes()?.try_into()?;
                Ok(Moment(i64::from_be_bytes(bytes)))
            }
            PgValueFormat::Text => {
                let text = value.as_str()?;
                match text {
                    "infinity" => Ok(Moment::INFINITY),
                    "-infinity" => Ok(Moment::NEG_INFINITY),
                    _ => Ok(DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%#z")?
                        .with_timezone(&Utc)
                        .into()),
                }
            }
        }
    }
}

impl Encode<'_, Postgres> for Moment {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        buf.extend_from_slice(&self.0.to_be_bytes());
        Ok(IsNull::No)
    }
}

/// Days from 0000-03-01 (the civil algorithms' epoch) to 2000-01-01.
const DAYS_FROM_CIVIL_EPOCH_TO_2000: i64 = 10_957 + 719_468;

/// Howard Hinnant's `civil_from_days`: (year, month, day) of the proleptic
/// Gregorian calendar for days since 1970-01-01 shifted by 719,468.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The inverse of `civil_from_days`.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe
}

/// (year, month, day) of a date given as days since 2000-01-01, for any
/// date PostgreSQL can hold (chrono stops at ±262,143 years).
pub fn civil_date(days_since_2000: i64) -> (i64, u32, u32) {
    civil_from_days(days_since_2000 + DAYS_FROM_CIVIL_EPOCH_TO_2000)
}

/// The inverse of `civil_date`.
pub fn days_since_2000(year: i64, month: u32, day: u32) -> i64 {
    days_from_civil(year, month, day) - DAYS_FROM_CIVIL_EPOCH_TO_2000
}

/// `2026-11-02`, or `+010000-01-01` for years past 9999 (ISO 8601's expanded form).
pub fn iso_date(days_since_2000: i64) -> String {
    let (y, m, d) = civil_date(days_since_2000);
    if (0..=9999).contains(&y) {
        format!("{y:04}-{m:02}-{d:02}")
    } else {
        format!("{}{:06}-{m:02}-{d:02}", if y < 0 { "-" } else { "+" }, y.abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_postgres_stores_is_shown_and_read_back() {
        let ordinary: Moment = "2026-11-02T10:00:00.123456Z".parse().unwrap();
        assert_eq!(ordinary.to_rfc3339(), "2026-11-02T10:00:00.123456Z");
        for text in [
            "infinity",
            "-infinity",
            "+010000-01-01T00:00:00.000000Z",
            "+294276-12-31T23:59:59.999999Z",
            "-004713-11-24T00:00:00.000000Z",
            "0001-01-01T00:00:00.000000Z",
        ] {
            let m: Moment = text.parse().unwrap();
            assert_eq!(m.to_rfc3339(), text, "{text}");
        }
        let beyond: Moment = "+294276-12-31T23:59:59.999999Z".parse().unwrap();
        assert!(beyond.to_utc().is_none(), "beyond chrono, still shown");
        assert!(Moment::NEG_INFINITY < ordinary && ordinary < beyond && beyond < Moment::INFINITY);
    }

    #[test]
    fn the_civil_calendar_round_trips() {
        for days in [-2_000_000_000i64, -719_468, 0, 10_957, 107_000_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(DAYS_FROM_CIVIL_EPOCH_TO_2000), (2000, 1, 1));
    }
}
