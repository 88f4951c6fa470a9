-- One snapshot schedule per server: daily (weekday NULL) or weekly, at an
-- hour (UTC), keeping the newest `keep` of its own snapshots. A run is
-- claimed by moving next_run_at on from the due time it read, in one
-- compare-and-swap: one instance wins each due time, and an instance that
-- dies mid-run blocks nothing (the next time is already set).
CREATE TABLE snapshot_schedules (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    server_id BIGINT NOT NULL,
    server_name TEXT NOT NULL,
    weekday BIGINT,
    hour BIGINT NOT NULL,
    keep BIGINT NOT NULL,
    next_run_at BIGINT NOT NULL,
    last_run_at BIGINT,
    last_failure TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (connection_id, server_id)
);
CREATE INDEX snapshot_schedules_due ON snapshot_schedules (next_run_at);
