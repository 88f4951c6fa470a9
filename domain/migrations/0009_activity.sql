-- One append-only record of what happened to an account and what Potions
-- did in its clouds. Request metadata has its own columns; no secret, code,
-- token or session id is ever written here.
CREATE TABLE activity (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- Microseconds since the epoch: entries of the same second keep their order.
    at_us BIGINT NOT NULL,
    -- `area.resource.verb`, e.g. `cloud.server.created`.
    action TEXT NOT NULL,
    -- ok, failed, or unknown (no answer in time: it may have happened).
    outcome TEXT NOT NULL,
    connection_id TEXT,
    -- The connection's label then (it may be renamed or gone later).
    connection_label TEXT,
    target_provider TEXT,
    target_id TEXT,
    target_name TEXT,
    request_id TEXT,
    provider_request_id TEXT,
    client_address TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX activity_user_at ON activity(user_id, at_us, id);
CREATE INDEX activity_connection_at ON activity(connection_id, at_us, id);
CREATE INDEX activity_at ON activity(at_us);
