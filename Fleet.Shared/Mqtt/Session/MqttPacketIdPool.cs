namespace Fleet.Shared.Mqtt.Session;

/// <summary>Packet identifiers 1…65535 in use by unacknowledged packets of every kind. Not thread-safe: used under the client's lock.</summary>
internal sealed class MqttPacketIdPool
{
    private readonly HashSet<ushort> _used = [];
    private ushort _next;

    public int InUse => _used.Count;

    public ushort Rent()
    {
        if (InUse >= 65535)
        {
            throw new InvalidOperationException("all 65535 packet identifiers are in use");
        }

        do
        {
            _next = (ushort)(_next == ushort.MaxValue ? 1 : _next + 1);
        }
        while (!_used.Add(_next));
        return _next;
    }

    public void Return(ushort id)
    {
        _used.Remove(id);
    }
}
