-- Heal events, insights and the audit log outlive the devices they mention: no foreign keys.
CREATE TABLE heal_events (
    seq           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    device_id     text COLLATE "C" NOT NULL,
    event_id      text COLLATE "C" NOT NULL,
    occurred      timestamptz NOT NULL,
    diagnosis     text        NOT NULL,
    trigger_kind  text        NOT NULL,
    rungs         json        NOT NULL,
    remediation   text,
    outcome       text        NOT NULL,
    model_version text        NOT NULL,
    UNIQUE (device_id, event_id)
);
CREATE INDEX heal_events_by_device ON heal_events (device_id, occurred, seq);
CREATE INDEX heal_events_by_model_version ON heal_events (model_version, occurred, seq);

CREATE TABLE insights (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    device_id     text COLLATE "C" NOT NULL,
    model_version text        NOT NULL,
    signature     text        NOT NULL,
    payload       json        NOT NULL,
    received      timestamptz NOT NULL
);
CREATE INDEX insights_by_model_version ON insights (model_version, id);

CREATE TABLE audit_log (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recorded timestamptz NOT NULL,
    actor    text        NOT NULL,
    action   text        NOT NULL,
    target   text        NOT NULL,
    details  json        NOT NULL
);
CREATE INDEX audit_log_by_target ON audit_log (target, id);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
