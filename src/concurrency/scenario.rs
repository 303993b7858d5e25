//! The scenarios of the bundled concurrency test, their defaults and limits.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Field, Result};

/// At most this many connections at once (the sandbox allows 1,100).
pub const MAX_CONCURRENT: u32 = 1000;
/// At most this many requests in one run.
pub const MAX_REQUESTS: u32 = 1_000_000;
pub const MAX_DELAY_MS: u32 = 60_000;
pub const MAX_SHIPMENTS: u32 = 100;
pub const MAX_ACQUIRE_TIMEOUT_MS: u32 = 600_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Scenario {
    /// N requests released at the same instant.
    Concurrent,
    /// Requests started one after another with a delay between them.
    Staggered,
    /// Many requests as fast as possible through a pool of connections.
    RapidFire,
    /// Many concurrent requests (10 to 1,000), each on its own connection.
    Stress,
    /// More concurrent requests than the pool has connections, with a tight
    /// acquire timeout: timeouts are expected, corruption is not.
    PoolExhaustion,
    /// Concurrent writes to a brand-new shipment with no history.
    FirstVersion,
    /// Concurrent writes spread over several shipments at once.
    Spread,
}

impl Scenario {
    pub const ALL: [Scenario; 7] = [
        Scenario::Concurrent,
        Scenario::Staggered,
        Scenario::RapidFire,
        Scenario::Stress,
        Scenario::PoolExhaustion,
        Scenario::FirstVersion,
        Scenario::Spread,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Scenario::Concurrent => "Concurrent writes",
            Scenario::Staggered => "Staggered writes",
            Scenario::RapidFire => "Rapid fire",
            Scenario::Stress => "Stress",
            Scenario::PoolExhaustion => "Pool exhaustion",
            Scenario::FirstVersion => "First version race",
            Scenario::Spread => "Spread over shipments",
        }
    }

    /// The parameters a run uses when the user changes nothing.
    pub fn defaults(self) -> Params {
        let base = Params {
            requests: 5,
            delay_ms: 0,
            pool_size: 0,
            acquire_timeout_ms: 0,
            shipments: 1,
            max_total_ms: 0,
        };
        let p = match self {
            Scenario::Concurrent => base,
            Scenario::Staggered => Params {
                requests: 3,
                delay_ms: 100,
                ..base
            },
            Scenario::RapidFire => Params {
                requests: 100,
                pool_size: 10,
                acquire_timeout_ms: 30_000,
                ..base
            },
            Scenario::Stress => Params { requests: 50, ..base },
            Scenario::PoolExhaustion => Params {
                requests: 50,
                pool_size: 5,
                acquire_timeout_ms: 100,
                ..base
            },
            Scenario::FirstVersion => Params { requests: 20, ..base },
            Scenario::Spread => Params {
                requests: 10,
                shipments: 5,
                ..base
            },
        };
        Params {
            max_total_ms: p.default_threshold_ms(self),
            ..p
        }
    }

    /// Its one name, everywhere: the command line, file names, JSON (`rapid_fire`).
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Concurrent => "concurrent",
            Scenario::Staggered => "staggered",
            Scenario::RapidFire => "rapid_fire",
            Scenario::Stress => "stress",
            Scenario::PoolExhaustion => "pool_exhaustion",
            Scenario::FirstVersion => "first_version",
            Scenario::Spread => "spread",
        }
    }

    /// A scenario by its name, in any case, with `-` read as `_` (as people
    /// type `rapid-fire`).
    pub fn parse(name: &str) -> Option<Scenario> {
        let name = name.trim().to_ascii_lowercase().replace('-', "_");
        Scenario::ALL.into_iter().find(|s| s.name() == name)
    }

    /// One sentence for the scenario picker.
    pub fn description(self) -> &'static str {
        match self {
            Scenario::Concurrent => "N requests released at the same instant on one shipment.",
            Scenario::Staggered => "Requests started one after another, a fixed delay apart.",
            Scenario::RapidFire => "Many requests back to back through a small connection pool.",
            Scenario::Stress => "10 to 1,000 concurrent requests, each on its own connection.",
            Scenario::PoolExhaustion => {
                "More concurrent requests than pooled connections; timeouts are expected, corruption is not."
            }
            Scenario::FirstVersion => "Concurrent writes to a brand-new shipment with no history yet.",
            Scenario::Spread => "Concurrent writes across several shipments; each keeps its own 1..n.",
        }
    }

    /// Whether each request has a connection of its own, opened before the start signal.
    pub fn dedicated_connections(self) -> bool {
        !matches!(self, Scenario::RapidFire | Scenario::PoolExhaustion)
    }

    /// Whether the run writes to shipments it creates itself, whatever the target.
    pub fn needs_new_shipments(self) -> bool {
        matches!(self, Scenario::FirstVersion | Scenario::Spread)
    }
}

/// What the user can change. `requests` is per shipment for `Spread`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Params {
    pub requests: u32,
    /// Between the starts of consecutive requests (staggered).
    pub delay_ms: u32,
    /// Connections in the pool (rapid fire, pool exhaustion); 0 = one per request.
    pub pool_size: u32,
    /// How long a request waits for a pooled connection before it times out.
    pub acquire_timeout_ms: u32,
    /// Shipments written at once (spread).
    pub shipments: u32,
    /// The "completed in acceptable time" threshold for the whole run.
    pub max_total_ms: u32,
}

impl Params {
    /// The guide's "under 1 s for 5 requests", growing with the work a run does.
    pub fn default_threshold_ms(&self, scenario: Scenario) -> u32 {
        let total = self.requests.saturating_mul(self.shipments);
        let extra = total.saturating_sub(5).saturating_mul(20);
        let waits = if scenario == Scenario::Staggered {
            self.delay_ms.saturating_mul(self.requests)
        } else {
            0
        };
        1000u32.saturating_add(extra).saturating_add(waits)
    }

    /// How long one request may take, on the server too (statement and lock
    /// timeouts): the run's acceptable time, at least a second. A request that
    /// needs longer has failed the run anyway; it must not hang it.
    pub fn request_timeout_ms(&self) -> u32 {
        self.max_total_ms.max(1000)
    }

    pub fn total_requests(&self) -> u32 {
        self.requests.saturating_mul(self.shipments.max(1))
    }

    /// Connections open at the same time during the run.
    pub fn concurrent_connections(&self, scenario: Scenario) -> u32 {
        if scenario.dedicated_connections() {
            self.total_requests()
        } else {
            self.pool_size
        }
    }

    pub fn validate(&self, scenario: Scenario) -> Result<()> {
        let range = |field, got: u32, min: u32, max: u32| Error::check_range(field, got.into(), min.into(), max.into());
        let min_requests = if scenario == Scenario::Stress { 10 } else { 1 };
        // Dedicated connections: one per request, all open at once.
        let max_requests = match scenario {
            _ if scenario.dedicated_connections() => MAX_CONCURRENT / self.shipments.max(1),
            Scenario::PoolExhaustion => MAX_CONCURRENT,
            _ => MAX_REQUESTS,
        };
        range(Field::Requests, self.requests, min_requests, max_requests)?;
        range(Field::DelayMs, self.delay_ms, 0, MAX_DELAY_MS)?;
        if scenario == Scenario::Spread {
            range(Field::Shipments, self.shipments, 1, MAX_SHIPMENTS)?;
        } else {
            range(Field::Shipments, self.shipments, 1, 1)?;
        }
        if !scenario.dedicated_connections() {
            range(Field::PoolSize, self.pool_size, 1, MAX_CONCURRENT)?;
            range(
                Field::AcquireTimeoutMs,
                self.acquire_timeout_ms,
                1,
                MAX_ACQUIRE_TIMEOUT_MS,
            )?;
        }
        range(Field::MaxMs, self.max_total_ms, 1, u32::MAX)
    }
}

/// A parameter as the app's form shows it: which field of `Params`, its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ParamKey {
    Requests,
    DelayMs,
    PoolSize,
    AcquireTimeoutMs,
    Shipments,
    MaxTotalMs,
}

impl ParamKey {
    pub fn field(self) -> Field {
        match self {
            ParamKey::Requests => Field::Requests,
            ParamKey::DelayMs => Field::DelayMs,
            ParamKey::PoolSize => Field::PoolSize,
            ParamKey::AcquireTimeoutMs => Field::AcquireTimeoutMs,
            ParamKey::Shipments => Field::Shipments,
            ParamKey::MaxTotalMs => Field::MaxMs,
        }
    }
}

impl Scenario {
    /// The parameters this scenario uses, in the order a form shows them.
    pub fn params_used(self) -> Vec<ParamKey> {
        use ParamKey::*;
        match self {
            Scenario::Staggered => vec![Requests, DelayMs, MaxTotalMs],
            Scenario::RapidFire | Scenario::PoolExhaustion => vec![Requests, PoolSize, AcquireTimeoutMs, MaxTotalMs],
            Scenario::Spread => vec![Requests, Shipments, MaxTotalMs],
            _ => vec![Requests, MaxTotalMs],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scenario_has_one_name_and_json_spells_it_so() {
        for s in Scenario::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), serde_json::json!(s.name()));
            assert_eq!(Scenario::parse(s.name()), Some(s));
        }
        assert_eq!(Scenario::parse("Rapid-Fire"), Some(Scenario::RapidFire));
        assert_eq!(Scenario::parse("rapid fire"), None);
    }

    #[test]
    fn every_default_is_valid() {
        for s in Scenario::ALL {
            s.defaults().validate(s).unwrap_or_else(|e| panic!("{s:?}: {e}"));
        }
    }

    #[test]
    fn the_guide_threshold_is_one_second_for_five_requests() {
        assert_eq!(Scenario::Concurrent.defaults().max_total_ms, 1000);
    }

    #[test]
    fn out_of_range_parameters_are_refused_with_a_reason() {
        let s = Scenario::Concurrent;
        let d = s.defaults();
        for (params, field, max) in [
            (Params { requests: 0, ..d }, Field::Requests, 1000),
            (Params { requests: 5000, ..d }, Field::Requests, 1000),
            (
                Params {
                    delay_ms: 3_600_000,
                    ..d
                },
                Field::DelayMs,
                60_000,
            ),
        ] {
            match params.validate(s) {
                Err(Error::OutOfRange { field: f, max: m, .. }) => assert_eq!((f, m), (field, max)),
                other => panic!("{other:?}"),
            }
        }
        let rapid = Scenario::RapidFire;
        let err = Params {
            requests: 2_000_000,
            ..rapid.defaults()
        }
        .validate(rapid)
        .unwrap_err();
        assert_eq!(err.to_string(), "requests must be between 1 and 1000000, got 2000000.");
        let stress = Scenario::Stress;
        assert!(Params {
            requests: 5,
            ..stress.defaults()
        }
        .validate(stress)
        .is_err());
        let pool = Scenario::PoolExhaustion;
        assert!(Params {
            pool_size: 0,
            ..pool.defaults()
        }
        .validate(pool)
        .is_err());
    }
}
