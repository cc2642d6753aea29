CREATE TABLE remembered_entities (
    shard     INTEGER NOT NULL,
    entity_id TEXT    NOT NULL,
    PRIMARY KEY (shard, entity_id)
);

-- node_id is NULL once released; the epoch is never reset, so fencing tokens only grow.
CREATE TABLE shard_leases (
    shard   INTEGER NOT NULL PRIMARY KEY,
    node_id TEXT,
    epoch   INTEGER NOT NULL,
    expires INTEGER NOT NULL
);
