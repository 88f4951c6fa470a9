-- Serving instances and the master keys each holds, renewed while it runs:
-- a key change is checked against every live instance.
CREATE TABLE instance_leases (
    id TEXT PRIMARY KEY,
    sealing_key_id TEXT NOT NULL,
    key_ids TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- Secrets Potions itself needs (the token fingerprint key), sealed under
-- the master key like provider tokens.
CREATE TABLE sealed_settings (
    name TEXT PRIMARY KEY,
    key_id TEXT NOT NULL,
    nonce TEXT NOT NULL,
    ciphertext TEXT NOT NULL
);
