using Fleet.Shared.Messaging;
using MQTTnet;
using MQTTnet.Formatter;

namespace Fleet.Cli.Mqtt;

/// <summary>
/// Publishes in order with at most <c>limit</c> publications unacknowledged, and refuses a message the
/// server's Maximum Packet Size forbids before it is sent.
/// </summary>
/// <remarks>
/// MQTTnet sends concurrent publications in call order (one FIFO send lock) but keeps no Receive Maximum
/// window of its own: a client that exceeds the server's window is disconnected by a strict broker, or
/// sees its QoS 2 messages dropped by Mosquitto. Acknowledgements arrive in order, so waiting for the
/// oldest publication frees exactly one slot.
/// </remarks>
internal sealed class PublishWindow(IMqttClient client, int limit, uint maximumPacketSize, MqttProtocolVersion version, TextWriter stderr)
{
    private readonly Queue<Task<MqttClientPublishResult>> _pending = new();

    /// <summary>Sends <paramref name="message"/> once the window has room; returns the exit code of the first refusal seen.</summary>
    public async Task<int> PublishAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        if (maximumPacketSize > 0 && MqttPacketSize.OfPublish(message, version) is var size && size > maximumPacketSize)
        {
            await stderr.WriteLineAsync($"Publish refused: the message takes {size} bytes, over the server's Maximum Packet Size of {maximumPacketSize}").ConfigureAwait(false);
            return MqttExitCode.Refused;
        }

        while (_pending.Count >= limit || (_pending.Count > 0 && _pending.Peek().IsCompleted))
        {
            var exitCode = await CompleteOldestAsync().ConfigureAwait(false);
            if (exitCode != MqttExitCode.Ok)
            {
                return exitCode;
            }
        }

        _pending.Enqueue(client.PublishAsync(message, cancellationToken));
        return MqttExitCode.Ok;
    }

    /// <summary>Waits for every outstanding publication.</summary>
    public async Task<int> DrainAsync()
    {
        while (_pending.Count > 0)
        {
            var exitCode = await CompleteOldestAsync().ConfigureAwait(false);
            if (exitCode != MqttExitCode.Ok)
            {
                return exitCode;
            }
        }

        return MqttExitCode.Ok;
    }

    /// <summary>Stops waiting for what is still outstanding after a failure, observing its faults.</summary>
    public void Abandon()
    {
        while (_pending.TryDequeue(out var publication))
        {
            _ = publication.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    private async Task<int> CompleteOldestAsync()
    {
        var result = await _pending.Dequeue().ConfigureAwait(false);
        if (result.IsSuccess)
        {
            return MqttExitCode.Ok;
        }

        await stderr.WriteLineAsync($"Publish refused: {result.ReasonCode}{(string.IsNullOrEmpty(result.ReasonString) ? "" : ": " + result.ReasonString)}").ConfigureAwait(false);
        return result.ReasonCode == MqttClientPublishReasonCode.NotAuthorized ? MqttExitCode.NotAuthorized : MqttExitCode.Refused;
    }
}
