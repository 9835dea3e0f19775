CREATE TABLE dq_check_results (
    run_id        VARCHAR NOT NULL,
    evaluated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    article       VARCHAR NOT NULL,
    check_name    VARCHAR NOT NULL,
    asset         VARCHAR NOT NULL,
    severity      VARCHAR NOT NULL CHECK (severity IN ('ERROR', 'WARN', 'INFO')),
    status        VARCHAR NOT NULL CHECK (status IN ('passed', 'failed', 'skipped')),
    reason        VARCHAR,
    passed        BOOLEAN NOT NULL,
    failure_count INTEGER NOT NULL,
    details       STRUCT(section VARCHAR, line INTEGER, "key" VARCHAR, "column" VARCHAR, published VARCHAR, expected VARCHAR)[] NOT NULL
);
COMMENT ON TABLE dq_check_results IS 'Every data-quality check evaluation of every load, one row per run, article and check (unique by construction; no key index, so appending a load stays cheap); history is carried over from load to load.';
COMMENT ON COLUMN dq_check_results.run_id IS 'Dagster run that evaluated the check.';
COMMENT ON COLUMN dq_check_results.evaluated_at IS 'When the load ran.';
COMMENT ON COLUMN dq_check_results.article IS 'Article file the evaluation concerns.';
COMMENT ON COLUMN dq_check_results.check_name IS 'Name of the check (the Dagster asset check).';
COMMENT ON COLUMN dq_check_results.asset IS 'Extracted table (Dagster asset) the check guards.';
COMMENT ON COLUMN dq_check_results.severity IS 'ERROR (a failing article is refused), WARN (reported only) or INFO (a note on a correct value, such as a historical county without a FIPS code).';
COMMENT ON COLUMN dq_check_results.status IS '''passed'', ''failed'' (the article has failing cells) or ''skipped'' (the check could not run on the article; see reason). A skipped check never counts as passed.';
COMMENT ON COLUMN dq_check_results.reason IS 'Why the check was skipped: no reference file, no rows of the table it guards, the article unreadable, or the same election in another file; NULL otherwise.';
COMMENT ON COLUMN dq_check_results.passed IS 'True where status is passed.';
COMMENT ON COLUMN dq_check_results.failure_count IS 'Number of failing cells.';
COMMENT ON COLUMN dq_check_results.details IS 'The failing cells (at most 100): section, line of the article file, key of the row (a county''s name and FIPS code, a district, ''Totals'', a candidate), column, published value, expected value.';
