-- New recovery codes waiting to be shown once: a form posted without
-- JavaScript is answered by a redirect, so the page shows them on its next
-- load. Sealed like provider tokens, kept ten minutes at most, deleted as
-- they are shown.
CREATE TABLE fresh_recovery_codes (
    user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    codes_key_id TEXT NOT NULL,
    codes_nonce TEXT NOT NULL,
    codes_ciphertext TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
