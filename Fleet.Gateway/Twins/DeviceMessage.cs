using Fleet.Shared.Protocol;

namespace Fleet.Gateway.Twins;

/// <summary>A message a device published, as ingress hands it to the twin (payload still undecoded).</summary>
/// <param name="Persisted">Completed once the twin has stored what must be stored (QoS 1 kinds); ingress acknowledges after it.</param>
internal sealed record DeviceMessage(string DeviceId, int Shard, TopicKind Kind, ReadOnlyMemory<byte> Payload, TaskCompletionSource? Persisted) : ITwinMessage;
