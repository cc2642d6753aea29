-- Times are Unix microseconds (UTC); booleans 0/1; JSON is TEXT validated by the gateway.
CREATE TABLE devices (
    id                TEXT    NOT NULL PRIMARY KEY,
    shard             INTEGER NOT NULL,
    created           INTEGER NOT NULL,
    credentials       TEXT    NOT NULL,
    labels            TEXT    NOT NULL,
    quarantined       INTEGER NOT NULL DEFAULT 0,
    quarantine_reason TEXT,
    last_seen         INTEGER,
    online            INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX devices_by_shard ON devices (shard, id);

CREATE TABLE twins (
    device_id              TEXT    NOT NULL PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
    desired_version        INTEGER NOT NULL DEFAULT 0,
    desired_json           TEXT,
    desired_updated        INTEGER,
    reported_json          TEXT,
    reported_epoch         INTEGER,
    reported_seq           INTEGER,
    reported_health        TEXT,
    reported_model_id      TEXT,
    reported_model_version TEXT,
    reported_received      INTEGER
);
CREATE INDEX twins_by_health ON twins (reported_health);
CREATE INDEX twins_by_model_version ON twins (reported_model_version);
