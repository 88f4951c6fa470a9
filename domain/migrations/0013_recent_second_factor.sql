-- When a session last checked a second factor (at sign-in, or asked again
-- before a destructive step): within five minutes it need not ask again.
ALTER TABLE sessions ADD COLUMN second_factor_at BIGINT;
