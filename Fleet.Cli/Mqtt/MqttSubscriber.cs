using System.Threading.Channels;
using MQTTnet;

namespace Fleet.Cli.Mqtt;

/// <summary><c>fleet mqtt sub</c>.</summary>
internal static class MqttSubscriber
{
    public static async Task<int> RunAsync(MqttCliOptions o, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var (client, _, exitCode) = await MqttCommand.ConnectAsync(o, stderr, cancellationToken).ConfigureAwait(false);
        if (client is null)
        {
            return exitCode;
        }

        using (client)
        {
            var lost = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            client.DisconnectedAsync += _ =>
            {
                lost.TrySetResult(MqttExitCode.ConnectionLost);
                return Task.CompletedTask;
            };

            // The payload is decoded inside the handler: MQTTnet may reuse its buffer afterwards.
            var printed = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
            client.ApplicationMessageReceivedAsync += e =>
            {
                var m = e.ApplicationMessage;
                if (!(o.NoRetained && m.Retain) && !o.FilterOut.Any(f => MqttTopicFilterComparer.Compare(m.Topic, f) == MqttTopicFilterCompareResult.IsMatch))
                {
                    var payload = m.ConvertPayloadToString();
                    printed.Writer.TryWrite(o.Verbose ? $"{m.Topic} {payload}" : payload);
                }

                return Task.CompletedTask;
            };

            if (o.Unsubscribe.Count > 0)
            {
                var unsubscribe = new MqttClientUnsubscribeOptionsBuilder();
                o.Unsubscribe.ForEach(f => unsubscribe.WithTopicFilter(f));
                await client.UnsubscribeAsync(unsubscribe.Build(), cancellationToken).ConfigureAwait(false);
                if (o.Topics.Count == 0)
                {
                    await client.DisconnectAsync(new MqttClientDisconnectOptions(), cancellationToken).ConfigureAwait(false);
                    return MqttExitCode.Ok;
                }
            }

            var subscribe = new MqttClientSubscribeOptionsBuilder();
            o.Topics.ForEach(f => subscribe.WithTopicFilter(f, o.Qos));
            var result = await client.SubscribeAsync(subscribe.Build(), cancellationToken).ConfigureAwait(false);
            foreach (var item in result.Items.Where(i => (int)i.ResultCode >= 0x80))
            {
                await stderr.WriteLineAsync($"Subscription to {item.TopicFilter.Topic} refused: {item.ResultCode}").ConfigureAwait(false);
                return item.ResultCode == MqttClientSubscribeResultCode.NotAuthorized ? MqttExitCode.NotAuthorized : MqttExitCode.Refused;
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
            await client.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None).ConfigureAwait(false);
            return MqttExitCode.Ok;

            async Task PrintAsync()
            {
                await foreach (var line in printed.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
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
