-- Each user's Potions SSH key pair; the private half is sealed like tokens.
CREATE TABLE user_ssh_keys (
    user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    public_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    private_key_id TEXT NOT NULL,
    private_nonce TEXT NOT NULL,
    private_ciphertext TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- A connected cloud project. The token's ciphertext lives in the same row,
-- so a connection and its secret are written and deleted together.
CREATE TABLE connections (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    label TEXT NOT NULL,
    -- Keyed HMAC of the token: finds duplicates without decrypting.
    token_hmac TEXT NOT NULL,
    token_key_id TEXT NOT NULL,
    token_nonce TEXT NOT NULL,
    token_ciphertext TEXT NOT NULL,
    -- Hetzner's id of the user's Potions SSH key in this project.
    ssh_key_id BIGINT NOT NULL,
    status TEXT NOT NULL,
    connected_at BIGINT NOT NULL,
    last_verified_at BIGINT NOT NULL,
    UNIQUE (user_id, token_hmac)
);
CREATE INDEX connections_user ON connections(user_id);
