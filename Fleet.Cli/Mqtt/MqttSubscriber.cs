using System.Text;
using System.Threading.Channels;
using Fleet.Shared.Mqtt;
using Fleet.Shared.Mqtt.Packets;
using Fleet.Shared.Mqtt.Topics;

namespace Fleet.Cli.Mqtt;

/// <summary><c>fleet mqtt sub</c>.</summary>
internal static class MqttSubscriber
{
    public static async Task<int> RunAsync(MqttCliOptions o, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var (client, exitCode) = await MqttCommand.ConnectAsync(o, stderr, cancellationToken).ConfigureAwait(false);
        if (client is null)
        {
            return exitCode;
        }

        await using (client.ConfigureAwait(false))
        {
            var lost = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            client.Disconnected += (_, e) => lost.TrySetResult(MqttExitCode.ConnectionLost);
            var printed = Channel.CreateUnbounded<MqttApplicationMessage>(new UnboundedChannelOptions { SingleReader = true });
            client.MessageReceived = (m, _) =>
            {
                if (!(o.NoRetained && m.Retain) && !o.FilterOut.Any(f => MqttTopic.IsMatch(m.Topic, f)))
                {
                    printed.Writer.TryWrite(m);
                }

                return ValueTask.CompletedTask;
            };

            if (o.Unsubscribe.Count > 0)
            {
                await client.UnsubscribeAsync(o.Unsubscribe, cancellationToken).ConfigureAwait(false);
                if (o.Topics.Count == 0)
                {
                    await client.DisconnectAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                    return MqttExitCode.Ok;
                }
            }

            var result = await client.SubscribeAsync([.. o.Topics.Select(t => new MqttTopicSubscription(t, o.Qos))], cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var item in result.Items.Where(i => (byte)i.ReasonCode >= 0x80))
            {
                await stderr.WriteLineAsync($"Subscription to {item.TopicFilter} refused: {item.ReasonCode}").ConfigureAwait(false);
                return item.ReasonCode == MqttSubscribeReasonCode.NotAuthorized ? MqttExitCode.NotAuthorized : MqttExitCode.Refused;
            }

            var count = 0;
            var reading = PrintAsync();
            var finished = await Task.WhenAny(reading, lost.Task).ConfigureAwait(false);
            if (finished == lost.Task && !reading.IsCompleted)
            {
                await stderr.WriteLineAsync("fleet mqtt sub: connection lost").ConfigureAwait(false);
                return await lost.Task.ConfigureAwait(false);
            }

            await reading.ConfigureAwait(false);
            await client.DisconnectAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
            return MqttExitCode.Ok;

            async Task PrintAsync()
            {
                await foreach (var m in printed.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    var payload = Encoding.UTF8.GetString(m.Payload.Span);
                    var line = o.Verbose ? $"{m.Topic} {payload}" : payload;
                    await (o.NoNewline ? stdout.WriteAsync(line) : stdout.WriteLineAsync(line)).ConfigureAwait(false);
                    await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
                    if (o.Count is { } limit && ++count >= limit)
                    {
                        return;
                    }
                }
            }
        }
    }
}
