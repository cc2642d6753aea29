using Fleet.Shared.Protocol;

namespace Fleet.Gateway.Twins;

/// <summary>A message a device published, as ingress hands it to the twin (payload still undecoded).</summary>
/// <param name="AckId">
/// Set for QoS 1 kinds: the twin answers the sender with <see cref="Persisted"/> carrying it once it has stored what
/// must be stored (or with a <c>Status.Failure</c>), and ingress acknowledges after that. Null: nobody waits.
/// </param>
internal sealed record DeviceMessage(string DeviceId, int Shard, TopicKind Kind, ReadOnlyMemory<byte> Payload, long? AckId) : ITwinMessage;
