-- DigitalOcean connections: the access token is in token_*, the refresh
-- token sealed beside it, with its expiry, the team and the account email.
-- token_version is bumped by every stored refresh; refresh_claimed_until lets
-- one instance at a time refresh a connection (a refresh token works once).
ALTER TABLE connections ADD COLUMN refresh_key_id TEXT;
ALTER TABLE connections ADD COLUMN refresh_nonce TEXT;
ALTER TABLE connections ADD COLUMN refresh_ciphertext TEXT;
ALTER TABLE connections ADD COLUMN token_expires_at BIGINT;
ALTER TABLE connections ADD COLUMN team_uuid TEXT;
ALTER TABLE connections ADD COLUMN team_name TEXT;
ALTER TABLE connections ADD COLUMN account_email TEXT;
ALTER TABLE connections ADD COLUMN token_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE connections ADD COLUMN refresh_claimed_until BIGINT;
-- A user connects a team once; connecting it again replaces its tokens.
CREATE UNIQUE INDEX connections_user_team ON connections(user_id, provider, team_uuid);
-- OAuth flows under way: the state's hash, bound to the user and the browser
-- session that started it, single-use, with the sealed PKCE verifier.
CREATE TABLE oauth_states (
    state_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    session_hash TEXT NOT NULL,
    label TEXT NOT NULL,
    reconnect_id TEXT,
    verifier_key_id TEXT NOT NULL,
    verifier_nonce TEXT NOT NULL,
    verifier_ciphertext TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX oauth_states_expiry ON oauth_states(expires_at);
