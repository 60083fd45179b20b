-- The triage list reads alerts newest first (GET /api/v1/alerts). The table is ordered by
-- alert_id (a hash), so without help every list scans a column of every alert. This
-- projection keeps the rows ordered by last_seen as well: a list reads the newest granules
-- in reverse and stops (shared/store/alert-queries.ts). It doubles the alerts' storage.
-- ReplacingMergeTree keeps projections only when merges rebuild them.
-- Parts written before this file was applied get the projection when they are merged; to
-- build it for them at once (a one-time mutation):
--   ALTER TABLE vigil.alerts MATERIALIZE PROJECTION alerts_by_last_seen
ALTER TABLE ${db}.alerts MODIFY SETTING deduplicate_merge_projection_mode = 'rebuild';
ALTER TABLE ${db}.alerts ADD PROJECTION IF NOT EXISTS alerts_by_last_seen (SELECT * ORDER BY last_seen);
