-- Device messages acknowledged without being acted on (the poison-message policy), newest listed first.
CREATE TABLE rejected_messages (
    id        INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    received  INTEGER NOT NULL,
    device_id TEXT,
    topic     TEXT    NOT NULL,
    kind      TEXT    NOT NULL,
    cause     TEXT    NOT NULL,
    reason    TEXT    NOT NULL,
    size      INTEGER NOT NULL,
    excerpt   BLOB    NOT NULL
);
CREATE INDEX rejected_messages_by_device ON rejected_messages (device_id, id);
