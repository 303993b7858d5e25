-- After a bulk load: each shipment row takes the state of its latest version.
UPDATE shipment_requests s
   SET status      = h.snapshot ->> 'status',
       title       = h.snapshot ->> 'title',
       destination = h.snapshot ->> 'destination',
       carrier     = h.snapshot ->> 'carrier',
       eta         = (h.snapshot ->> 'eta')::timestamptz,
       updated_at  = h."timestamp"
  FROM (SELECT DISTINCT ON (shipment_id) shipment_id, snapshot, "timestamp"
          FROM shipment_history
         ORDER BY shipment_id, version_no DESC) h
 WHERE h.shipment_id = s.id;
