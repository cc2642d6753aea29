-- Heal events, insights and the audit log outlive the devices they mention: no foreign keys.
CREATE TABLE heal_events (
    seq           INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    device_id     TEXT    NOT NULL,
    event_id      TEXT    NOT NULL,
    occurred      INTEGER NOT NULL,
    diagnosis     TEXT    NOT NULL,
    trigger_kind  TEXT    NOT NULL,
    rungs         TEXT    NOT NULL,
    remediation   TEXT,
    outcome       TEXT    NOT NULL,
    model_version TEXT    NOT NULL,
    UNIQUE (device_id, event_id)
);
CREATE INDEX heal_events_by_device ON heal_events (device_id, occurred, seq);
CREATE INDEX heal_events_by_model_version ON heal_events (model_version, occurred, seq);

CREATE TABLE insights (
    id            INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    device_id     TEXT    NOT NULL,
    model_version TEXT    NOT NULL,
    signature     TEXT    NOT NULL,
    payload       TEXT    NOT NULL,
    received      INTEGER NOT NULL
);
CREATE INDEX insights_by_model_version ON insights (model_version, id);

CREATE TABLE audit_log (
    id       INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    recorded INTEGER NOT NULL,
    actor    TEXT    NOT NULL,
    action   TEXT    NOT NULL,
    target   TEXT    NOT NULL,
    details  TEXT    NOT NULL
);
CREATE INDEX audit_log_by_target ON audit_log (target, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
