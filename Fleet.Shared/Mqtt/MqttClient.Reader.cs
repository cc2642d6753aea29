using System.Threading.Channels;

namespace Fleet.Shared.Mqtt;

public sealed partial class MqttClient
{
    /// <summary>Routes received messages into a bounded channel instead of a handler.</summary>
    /// <remarks>
    /// Replaces <see cref="MessageReceived"/>. A message is acknowledged once the channel accepted it, so
    /// a full channel holds back acknowledgements and, through Receive Maximum, the server. The channel
    /// completes when the client is disposed.
    /// </remarks>
    public ChannelReader<MqttApplicationMessage> CreateMessageReader(int capacity = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        var channel = System.Threading.Channels.Channel.CreateBounded<MqttApplicationMessage>(new BoundedChannelOptions(capacity) { SingleWriter = true });
        MessageReceived = (message, cancellationToken) => channel.Writer.WriteAsync(message, cancellationToken);
        _lifetime.Token.Register(() => channel.Writer.TryComplete());
        return channel.Reader;
    }
}
