CREATE TABLE models (
    model_id       text COLLATE "C" NOT NULL,
    version        text COLLATE "C" NOT NULL,
    sha256         text        NOT NULL,
    signature      text,
    parent_version text COLLATE "C",
    golden_set_ref text,
    metrics        json        NOT NULL,
    card           json        NOT NULL,
    artifact_path  text,
    artifact       bytea,
    created        timestamptz NOT NULL,
    PRIMARY KEY (model_id, version),
    FOREIGN KEY (model_id, parent_version) REFERENCES models (model_id, version)
);

CREATE TABLE rollouts (
    id            text COLLATE "C" NOT NULL PRIMARY KEY,
    model_id      text        NOT NULL,
    model_version text        NOT NULL,
    state         text        NOT NULL,
    policy        json        NOT NULL,
    wave_index    integer     NOT NULL,
    reason        text,
    version       integer     NOT NULL,
    created       timestamptz NOT NULL,
    updated       timestamptz NOT NULL
);
CREATE INDEX rollouts_by_state ON rollouts (state);

CREATE TABLE rollout_results (
    rollout_id text COLLATE "C" NOT NULL REFERENCES rollouts (id) ON DELETE CASCADE,
    device_id  text COLLATE "C" NOT NULL,
    wave       integer     NOT NULL,
    outcome    text        NOT NULL,
    recorded   timestamptz NOT NULL,
    PRIMARY KEY (rollout_id, device_id)
);
