CREATE TABLE remembered_entities (
    shard     integer NOT NULL,
    entity_id text COLLATE "C" NOT NULL,
    PRIMARY KEY (shard, entity_id)
);

-- node_id is NULL once released; the epoch is never reset, so fencing tokens only grow.
CREATE TABLE shard_leases (
    shard   integer     NOT NULL PRIMARY KEY,
    node_id text COLLATE "C",
    epoch   bigint      NOT NULL,
    expires timestamptz NOT NULL
);
