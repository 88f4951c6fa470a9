-- Each sign-in attempt is counted before the password is checked; its id lets
-- a successful or refused attempt be taken back.
ALTER TABLE login_failures ADD COLUMN attempt_id TEXT;
CREATE INDEX login_failures_attempt ON login_failures(attempt_id);
