-- Data-skipping indexes for the alert view (GET /api/v1/alerts/:id): events come in roughly
-- in time order, so a min-max index on ts prunes the granules outside an alert's window,
-- and a bloom filter finds an alert's sample events by id without a full scan. Both apply
-- to parts written from now on; existing parts are read as before.
ALTER TABLE ${db}.events ADD INDEX IF NOT EXISTS events_ts_minmax ts TYPE minmax GRANULARITY 1;
ALTER TABLE ${db}.events ADD INDEX IF NOT EXISTS events_id_bloom event_id TYPE bloom_filter(0.01) GRANULARITY 4;
