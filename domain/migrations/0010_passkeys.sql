-- Passkeys (WebAuthn) as a second factor: each registered credential (its
-- public key, counter and name; nothing secret), and the ceremonies in
-- flight, kept server-side for five minutes and deleted as they are used.
CREATE TABLE passkeys (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- base64url; a credential belongs to one account only.
    credential_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    -- webauthn-rs's `Passkey` as JSON: public key, algorithm, counter.
    credential TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX passkeys_user ON passkeys(user_id);

CREATE TABLE passkey_ceremonies (
    -- SHA-256 of the id the browser holds.
    id_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- 'register', or 'sign-in:' and the hash of the waiting sign-in it completes.
    purpose TEXT NOT NULL,
    state TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
