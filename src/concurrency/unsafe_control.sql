-- The checker's self-test: a DELIBERATELY UNSAFE version assignment, installed
-- only into the sandbox, in a schema of its own, writing to a history table of
-- its own with no unique constraint, so that duplicates land and can be seen.
-- It reads MAX(version_no)+1 without any lock and sleeps 2 ms before inserting,
-- which widens the race window so that concurrent callers reliably collide.
CREATE SCHEMA IF NOT EXISTS waybill_unsafe;

CREATE TABLE IF NOT EXISTS waybill_unsafe.shipment_history
    (LIKE public.shipment_history INCLUDING DEFAULTS);

COMMENT ON SCHEMA waybill_unsafe IS
    'Waybill concurrency self-test: deliberately unsafe version assignment. Sandbox only; never use.';

CREATE OR REPLACE FUNCTION waybill_unsafe.create_history_entry(
    p_shipment_id uuid,
    p_event_type  text,
    p_actor_id    uuid,
    p_changes     jsonb DEFAULT '{}'::jsonb,
    p_description text  DEFAULT NULL
) RETURNS TABLE (version_no integer, "timestamp" timestamptz)
LANGUAGE plpgsql
AS $$
DECLARE
    v_next integer;
    v_at   timestamptz;
BEGIN
    SELECT COALESCE(MAX(h.version_no), 0) + 1 INTO v_next
      FROM waybill_unsafe.shipment_history h
     WHERE h.shipment_id = p_shipment_id;
    PERFORM pg_sleep(0.002);
    v_at := clock_timestamp();
    INSERT INTO waybill_unsafe.shipment_history
           (shipment_id, version_no, event_type, actor_id, "timestamp", description, changes)
    VALUES (p_shipment_id, v_next, p_event_type, p_actor_id, v_at, p_description, COALESCE(p_changes, '{}'::jsonb));
    version_no := v_next;
    "timestamp" := v_at;
    RETURN NEXT;
END;
$$;
