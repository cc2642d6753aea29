CREATE TABLE distillations (
    id              TEXT    NOT NULL PRIMARY KEY,
    model_id        TEXT    NOT NULL,
    from_version    TEXT    NOT NULL,
    teacher_version TEXT    NOT NULL,
    new_version     TEXT    NOT NULL,
    started_by      TEXT    NOT NULL,
    state           TEXT    NOT NULL,
    progress        TEXT    NOT NULL,
    insight_ids     TEXT    NOT NULL,
    metrics         TEXT,
    error           TEXT,
    started         INTEGER NOT NULL,
    updated         INTEGER NOT NULL,
    finished        INTEGER
);
CREATE INDEX distillations_by_state ON distillations (state);
