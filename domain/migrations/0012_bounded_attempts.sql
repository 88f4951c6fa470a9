-- Second-step guessing has bounds: each waiting sign-in takes a few wrong
-- codes, then the password is asked again; the account counts consecutive
-- wrong second steps (authenticator codes stop working at 100, and the next
-- sign-in is told how many there were, kept on its session).
ALTER TABLE pending_sign_ins ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN second_step_failures BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN second_step_failures_before BIGINT NOT NULL DEFAULT 0;
-- Failed attempts that anyone can cause (a wrong password for the account's
-- email, a wrong code) are folded: one row per account, action and hour,
-- counting its repeats, so that nobody can fill a user's log or the disk.
ALTER TABLE activity ADD COLUMN repeats BIGINT NOT NULL DEFAULT 1;
ALTER TABLE activity ADD COLUMN fold_key TEXT;
CREATE UNIQUE INDEX activity_folded ON activity(user_id, fold_key);
-- A DigitalOcean refresh whose answer never came: it may have rotated the
-- pair. Its refresh token is not sent again until the old access token has
-- shown whether it did (it still works: not applied; refused: applied).
ALTER TABLE connections ADD COLUMN refresh_outcome_unknown BIGINT NOT NULL DEFAULT 0;
-- An authenticator being set up and fresh recovery codes belong to the
-- browser session that asked for them: no other session of the user sees
-- them (the hash of the session's secret, as sessions are stored).
ALTER TABLE totp_factors ADD COLUMN enrolling_session TEXT NOT NULL DEFAULT '';
ALTER TABLE fresh_recovery_codes ADD COLUMN session_hash TEXT NOT NULL DEFAULT '';
