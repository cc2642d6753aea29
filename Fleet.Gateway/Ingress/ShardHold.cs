namespace Fleet.Gateway.Ingress;

/// <summary>A shard whose messages are held: the first unstored message is left unacknowledged and redelivered with backoff until it can be stored.</summary>
/// <param name="Shard">The shard.</param>
/// <param name="Since">When the hold began (the first failure in a row).</param>
/// <param name="Reason">Why the latest attempt failed.</param>
/// <param name="Failures">Consecutive failed attempts.</param>
internal sealed record ShardHold(int Shard, DateTimeOffset Since, string Reason, int Failures);
