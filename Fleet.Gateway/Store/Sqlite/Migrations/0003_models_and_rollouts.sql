CREATE TABLE models (
    model_id       TEXT    NOT NULL,
    version        TEXT    NOT NULL,
    sha256         TEXT    NOT NULL,
    signature      TEXT,
    parent_version TEXT,
    golden_set_ref TEXT,
    metrics        TEXT    NOT NULL,
    card           TEXT    NOT NULL,
    artifact_path  TEXT,
    artifact       BLOB,
    created        INTEGER NOT NULL,
    PRIMARY KEY (model_id, version),
    FOREIGN KEY (model_id, parent_version) REFERENCES models (model_id, version)
);

CREATE TABLE rollouts (
    id            TEXT    NOT NULL PRIMARY KEY,
    model_id      TEXT    NOT NULL,
    model_version TEXT    NOT NULL,
    state         TEXT    NOT NULL,
    policy        TEXT    NOT NULL,
    wave_index    INTEGER NOT NULL,
    reason        TEXT,
    version       INTEGER NOT NULL,
    created       INTEGER NOT NULL,
    updated       INTEGER NOT NULL
);
CREATE INDEX rollouts_by_state ON rollouts (state);

CREATE TABLE rollout_results (
    rollout_id TEXT    NOT NULL REFERENCES rollouts (id) ON DELETE CASCADE,
    device_id  TEXT    NOT NULL,
    wave       INTEGER NOT NULL,
    outcome    TEXT    NOT NULL,
    recorded   INTEGER NOT NULL,
    PRIMARY KEY (rollout_id, device_id)
);
