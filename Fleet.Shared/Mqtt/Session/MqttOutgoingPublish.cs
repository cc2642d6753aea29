using System.Threading.Tasks.Sources;

namespace Fleet.Shared.Mqtt.Session;

/// <summary>
/// A QoS 1/2 publication awaiting acknowledgement. Pooled and awaited as a ValueTask so a publication
/// allocates nothing beyond the message itself. Continuations run inline on the completing thread:
/// the client completes acknowledgements in batches on a thread-pool work item, never on its read loop.
/// </summary>
internal sealed class MqttOutgoingPublish : IValueTaskSource<MqttPublishResult>
{
    private readonly Action<MqttOutgoingPublish> _return;
    private ManualResetValueTaskSourceCore<MqttPublishResult> _core = new() { RunContinuationsAsynchronously = false };

    public MqttOutgoingPublish(Action<MqttOutgoingPublish> returnToPool) => _return = returnToPool;

    public MqttApplicationMessage Message { get; private set; } = null!;

    public ushort PacketId { get; private set; }

    public long Sequence { get; private set; }

    /// <summary>Written to some connection at least once (a resend then carries DUP=1).</summary>
    public bool Sent { get; set; }

    /// <summary>QoS 2: PUBREC received, PUBREL sent, awaiting PUBCOMP.</summary>
    public bool Released { get; set; }

    public MqttPublishResult PendingResult { get; set; }

    public ValueTask<MqttPublishResult> Task => new(this, _core.Version);

    public void Initialize(MqttApplicationMessage message, ushort packetId, long sequence)
    {
        Message = message;
        PacketId = packetId;
        Sequence = sequence;
        Sent = false;
        Released = false;
        PendingResult = default;
    }

    public void Complete(MqttPublishResult result) => _core.SetResult(result);

    public void Fail(Exception error) => _core.SetException(error);

    public MqttPublishResult GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            Message = null!;
            _core.Reset();
            _return(this);
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
