-- When the device healed (its own clock), beside when the gateway received it (occurred).
ALTER TABLE heal_events ADD COLUMN device_time INTEGER;

-- The output excerpts of each device's latest heal that carried any, so they survive gateway restarts.
CREATE TABLE heal_waveforms (
    device_id   TEXT    NOT NULL PRIMARY KEY,
    heal_id     TEXT    NOT NULL,
    recorded    INTEGER NOT NULL,
    diagnosis   TEXT    NOT NULL,
    outcome     TEXT    NOT NULL,
    sample_rate INTEGER NOT NULL,
    clean       BLOB,
    corrupted   BLOB
);
