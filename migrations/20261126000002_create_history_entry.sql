-- Hands out the next version of a shipment and records the change.
--
-- Why this cannot hand out a duplicate or leave a gap, even for the very first
-- version of a shipment that has no history yet:
--   1. The parent shipment row is locked FOR UPDATE in a statement of its own.
--      Every caller for the same shipment queues on that one row, whether or not
--      the shipment has history rows. (Locking history rows, as the original
--      guide tried, cannot protect a shipment with none; and PostgreSQL rejects
--      FOR UPDATE together with MAX() anyway.)
--   2. Only after the lock is granted is the latest version read. Under READ
--      COMMITTED each statement takes a new snapshot, so this read sees the row
--      the previous lock holder committed. Putting the lock and the MAX in one
--      statement would race: its snapshot predates the lock being granted.
--   3. The lock is held until commit, so the next caller reads our row.
-- Under REPEATABLE READ or SERIALIZABLE the snapshot is taken at the start of the
-- transaction, step 2 could miss a committed version, and the unique constraint
-- would reject the insert. We refuse those levels up front with a clear message.
-- A version is only ever "used" by a committed insert, so a rolled-back caller
-- leaves no gap: the next caller computes the same number again.
CREATE FUNCTION create_history_entry(
    p_shipment_id uuid,
    p_event_type  text,
    p_actor_id    uuid,
    p_changes     jsonb DEFAULT '{}'::jsonb,
    p_description text  DEFAULT NULL
) RETURNS TABLE (version_no integer, "timestamp" timestamptz)
LANGUAGE plpgsql
AS $$
DECLARE
    v_shipment shipment_requests%ROWTYPE;
    v_latest   integer;
    v_previous jsonb;
    v_next     integer;
    v_at       timestamptz;
    v_snapshot jsonb;
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'create_history_entry must run under READ COMMITTED, not %',
            current_setting('transaction_isolation')
            USING ERRCODE = 'invalid_transaction_state',
                  HINT = 'Call it outside an explicit REPEATABLE READ/SERIALIZABLE transaction.';
    END IF;

    -- Step 1: serialize on the parent row.
    SELECT * INTO v_shipment FROM shipment_requests s WHERE s.id = p_shipment_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'shipment % does not exist', p_shipment_id
            USING ERRCODE = 'no_data_found';
    END IF;

    -- Step 2: a fresh snapshot, taken after the lock was granted.
    SELECT h.version_no, h.snapshot INTO v_latest, v_previous
      FROM shipment_history h
     WHERE h.shipment_id = p_shipment_id
     ORDER BY h.version_no DESC
     LIMIT 1;
    v_next := COALESCE(v_latest, 0) + 1;

    -- The snapshot after this change: the previous one (or the shipment row for a
    -- first version) with every {"new": ...} of p_changes applied.
    v_snapshot := COALESCE(v_previous,
                           to_jsonb(v_shipment) - 'id' - 'created_at' - 'updated_at')
               || COALESCE((SELECT jsonb_object_agg(c.key, c.value -> 'new')
                              FROM jsonb_each(COALESCE(p_changes, '{}'::jsonb)) c
                             WHERE jsonb_typeof(c.value) = 'object' AND c.value ? 'new'),
                           '{}'::jsonb);

    -- clock_timestamp(), not now(): taken after the lock, so timestamps follow
    -- version order for a shipment.
    v_at := clock_timestamp();
    INSERT INTO shipment_history AS h
           (shipment_id, version_no, event_type, actor_id, "timestamp", description, changes, snapshot)
    VALUES (p_shipment_id, v_next, p_event_type, p_actor_id, v_at, p_description,
            COALESCE(p_changes, '{}'::jsonb), v_snapshot);

    version_no := v_next;
    "timestamp" := v_at;
    RETURN NEXT;
END;
$$;
