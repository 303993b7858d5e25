-- The tables Waybill installs into the sandbox and expects in a user's database.

-- People (and integrations) who change shipments. Optional on other databases:
-- the app falls back to showing the actor id when this table is absent.
CREATE TABLE actors (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    display_name text NOT NULL,
    email        text NOT NULL UNIQUE,
    role         text NOT NULL
);

CREATE TABLE shipment_requests (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    reference   text NOT NULL UNIQUE,          -- human reference, e.g. SHP-2026-000123
    title       text NOT NULL,
    status      text NOT NULL,
    origin      text NOT NULL,
    destination text NOT NULL,
    carrier     text,
    eta         timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per change. (shipment_id, version_no) is the key: version numbers are
-- 1, 2, 3, ... per shipment, handed out by create_history_entry(); the unique
-- constraint is the safety net should any writer bypass the function.
-- actor_id has no foreign key on purpose: actors often live elsewhere (e.g. an
-- auth schema), and history must outlive the people who wrote it.
CREATE TABLE shipment_history (
    shipment_id uuid        NOT NULL REFERENCES shipment_requests (id) ON DELETE CASCADE,
    version_no  integer     NOT NULL CHECK (version_no > 0),
    event_type  text        NOT NULL CHECK (event_type <> ''),
    actor_id    uuid,
    "timestamp" timestamptz NOT NULL DEFAULT now(),
    description text,
    changes     jsonb       NOT NULL DEFAULT '{}'::jsonb,  -- field -> {"old": ..., "new": ...}
    snapshot    jsonb,                                      -- the whole shipment after this change
    CONSTRAINT shipment_history_unique_version UNIQUE (shipment_id, version_no)
);
