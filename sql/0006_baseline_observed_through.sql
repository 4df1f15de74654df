-- The history rule, exactly: an event inside a baseline's training window is history (not
-- judged) when the baseline learned from it, that is when the rollup had read it before the
-- baseline was built. stored_at alone cannot say so: an ingest that started before the build
-- but committed after it was neither learned from nor, by a stored_at comparison, judged.
ALTER TABLE herdwatch.baselines ADD COLUMN observed_through_seq bigint;
COMMENT ON COLUMN herdwatch.baselines.observed_through_seq IS
    'the observations watermark when the baseline was learned; NULL for imported versions (history is then what was stored before the import)';
