-- Two-factor sign-in: a TOTP secret per user (sealed like provider tokens),
-- single-use recovery codes (salted hashes), and sign-ins waiting for their
-- second step (only the hash of the browser's secret).
CREATE TABLE totp_factors (
    user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    secret_key_id TEXT NOT NULL,
    secret_nonce TEXT NOT NULL,
    secret_ciphertext TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    -- NULL until a code from the device confirmed it.
    confirmed_at BIGINT,
    -- The last 30-second step a code was accepted for: each code works once,
    -- on every instance.
    last_used_step BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE recovery_codes (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    salt TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    used_at BIGINT
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);

CREATE TABLE pending_sign_ins (
    id_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL
);
