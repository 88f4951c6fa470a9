-- A risky step (resize, rebuild, delete) waiting for the snapshot taken
-- just before it. The step runs once the snapshot is made, claimed by moving
-- `state` from 'waiting' to 'running' in one compare-and-swap, so exactly
-- one instance runs it; if the snapshot fails, the step never runs.
CREATE TABLE safety_nets (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    server_id BIGINT NOT NULL,
    server_name TEXT NOT NULL,
    -- The step as JSON: {"Resize":{"size":"cx32","grow_disk":false}}, ...
    step TEXT NOT NULL,
    snapshot_actions TEXT NOT NULL,
    request_id TEXT,
    state TEXT NOT NULL,
    failure TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX safety_nets_waiting ON safety_nets (state, created_at);
CREATE INDEX safety_nets_server ON safety_nets (connection_id, server_id);
