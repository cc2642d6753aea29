-- The device's latest update and validation events were kept only in its twin's memory and acknowledged on receipt,
-- so a gateway node's death lost them (and a rollout waiting for an update's outcome could not see it). They are now
-- written with the twin before they are acknowledged, and read back when the twin starts on any node.
ALTER TABLE twins ADD COLUMN last_update TEXT;
ALTER TABLE twins ADD COLUMN last_validation TEXT;
