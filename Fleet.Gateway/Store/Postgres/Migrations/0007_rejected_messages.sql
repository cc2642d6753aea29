-- Device messages acknowledged without being acted on (the poison-message policy), newest listed first.
CREATE TABLE rejected_messages (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    received  timestamptz NOT NULL,
    device_id text COLLATE "C",
    topic     text        NOT NULL,
    kind      text        NOT NULL,
    cause     text        NOT NULL,
    reason    text        NOT NULL,
    size      integer     NOT NULL,
    excerpt   bytea       NOT NULL
);
CREATE INDEX rejected_messages_by_device ON rejected_messages (device_id, id);
