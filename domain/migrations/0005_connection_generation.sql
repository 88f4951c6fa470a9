-- Bumped by every change Potions makes in a project (a server created or
-- deleted): caches of what the project holds include it in their keys, so
-- Potions' own writes invalidate them on every instance at once.
ALTER TABLE connections ADD COLUMN generation BIGINT NOT NULL DEFAULT 0;
