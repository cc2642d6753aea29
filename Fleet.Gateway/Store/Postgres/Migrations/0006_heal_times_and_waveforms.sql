-- When the device healed (its own clock), beside when the gateway received it (occurred).
ALTER TABLE heal_events ADD COLUMN device_time timestamptz;

-- The output excerpts of each device's latest heal that carried any, so they survive gateway restarts.
CREATE TABLE heal_waveforms (
    device_id   text COLLATE "C" NOT NULL PRIMARY KEY,
    heal_id     text COLLATE "C" NOT NULL,
    recorded    timestamptz NOT NULL,
    diagnosis   text        NOT NULL,
    outcome     text        NOT NULL,
    sample_rate integer     NOT NULL,
    clean       bytea,
    corrupted   bytea
);
