-- Ids sort bytewise (COLLATE "C") so keyset pages match SQLite's order exactly.
CREATE TABLE devices (
    id                text COLLATE "C" NOT NULL PRIMARY KEY,
    shard             integer     NOT NULL,
    created           timestamptz NOT NULL,
    credentials       text        NOT NULL,
    labels            json        NOT NULL,
    quarantined       boolean     NOT NULL DEFAULT false,
    quarantine_reason text,
    last_seen         timestamptz,
    online            boolean     NOT NULL DEFAULT false
);
CREATE INDEX devices_by_shard ON devices (shard, id);

CREATE TABLE twins (
    device_id              text COLLATE "C" NOT NULL PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
    desired_version        integer NOT NULL DEFAULT 0,
    desired_json           json,
    desired_updated        timestamptz,
    reported_json          json,
    reported_epoch         bigint,
    reported_seq           bigint,
    reported_health        text,
    reported_model_id      text,
    reported_model_version text,
    reported_received      timestamptz
);
CREATE INDEX twins_by_health ON twins (reported_health);
CREATE INDEX twins_by_model_version ON twins (reported_model_version);
