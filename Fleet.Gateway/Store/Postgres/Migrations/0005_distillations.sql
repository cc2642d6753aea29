CREATE TABLE distillations (
    id              text COLLATE "C" NOT NULL PRIMARY KEY,
    model_id        text COLLATE "C" NOT NULL,
    from_version    text COLLATE "C" NOT NULL,
    teacher_version text COLLATE "C" NOT NULL,
    new_version     text COLLATE "C" NOT NULL,
    started_by      text        NOT NULL,
    state           text        NOT NULL,
    progress        json        NOT NULL,
    insight_ids     json        NOT NULL,
    metrics         json,
    error           text,
    started         timestamptz NOT NULL,
    updated         timestamptz NOT NULL,
    finished        timestamptz
);
CREATE INDEX distillations_by_state ON distillations (state);
