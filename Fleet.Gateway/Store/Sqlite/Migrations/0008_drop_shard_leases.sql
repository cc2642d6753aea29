-- The gateway cluster owns shards through Akka.Cluster.Sharding's coordinator, the split-brain resolver and MQTT
-- client-id takeover; the home-made shard leases and remembered entities of 0004 never had a caller.
DROP TABLE shard_leases;
DROP TABLE remembered_entities;
