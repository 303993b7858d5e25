-- The five performance indexes of the original guide, shipped on their own so that
-- they can be verified and applied separately (see the index health work).
-- Note: a B-tree is scanned backwards as easily as forwards, so the first one
-- duplicates the index behind shipment_history_unique_version, and the second is a
-- prefix of the fifth. They are kept as the guide has them; Waybill's index
-- advice reports the overlap and its cost rather than silently diverging.
CREATE INDEX IF NOT EXISTS idx_shipment_history_version_desc
    ON shipment_history (shipment_id, version_no DESC);
CREATE INDEX IF NOT EXISTS idx_shipment_history_timestamp_desc
    ON shipment_history (shipment_id, "timestamp" DESC);
CREATE INDEX IF NOT EXISTS idx_shipment_history_actor
    ON shipment_history (actor_id, "timestamp" DESC);
CREATE INDEX IF NOT EXISTS idx_shipment_history_event_type
    ON shipment_history (shipment_id, event_type, "timestamp" DESC);
CREATE INDEX IF NOT EXISTS idx_shipment_history_composite
    ON shipment_history (shipment_id, "timestamp" DESC, version_no DESC);
