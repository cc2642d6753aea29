using System.Text;
using Fleet.Shared.Mqtt;
using Fleet.Shared.Mqtt.Packets;

namespace Fleet.Cli.Mqtt;

/// <summary><c>fleet mqtt pub</c>.</summary>
internal static class MqttPublisher
{
    public static async Task<int> RunAsync(MqttCliOptions o, TextReader stdin, TextWriter stderr, CancellationToken cancellationToken)
    {
        var sources = (o.Message is null ? 0 : 1) + (o.File is null ? 0 : 1) + (o.Lines ? 1 : 0) + (o.NullMessage ? 1 : 0) + (o.Stdin ? 1 : 0);
        if (sources != 1)
        {
            await stderr.WriteLineAsync("fleet mqtt pub: give exactly one of -m, -f, -l, -n, -s").ConfigureAwait(false);
            return MqttExitCode.Usage;
        }

        var (client, exitCode) = await MqttCommand.ConnectAsync(o, stderr, cancellationToken).ConfigureAwait(false);
        if (client is null)
        {
            return exitCode;
        }

        await using (client.ConfigureAwait(false))
        {
            var pending = new List<Task<MqttPublishResult>>();
            if (o.Lines)
            {
                while (await stdin.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
                {
                    pending.Add(client.PublishAsync(Message(o, Encoding.UTF8.GetBytes(line)), cancellationToken).AsTask());
                    if (pending.Count >= 1024)
                    {
                        exitCode = await CollectAsync(pending, stderr).ConfigureAwait(false);
                        if (exitCode != MqttExitCode.Ok)
                        {
                            return exitCode;
                        }
                    }
                }
            }
            else
            {
                var payload = o.Message is { } m ? Encoding.UTF8.GetBytes(m)
                    : o.File is { } f ? await File.ReadAllBytesAsync(f, cancellationToken).ConfigureAwait(false)
                    : o.Stdin ? Encoding.UTF8.GetBytes(await stdin.ReadToEndAsync(cancellationToken).ConfigureAwait(false))
                    : [];
                for (var i = 0; i < o.Repeat; i++)
                {
                    pending.Add(client.PublishAsync(Message(o, payload), cancellationToken).AsTask());
                }
            }

            exitCode = await CollectAsync(pending, stderr).ConfigureAwait(false);
            await client.DisconnectAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return exitCode;
        }
    }

    private static async Task<int> CollectAsync(List<Task<MqttPublishResult>> pending, TextWriter stderr)
    {
        var results = await Task.WhenAll(pending).ConfigureAwait(false);
        pending.Clear();
        foreach (var result in results)
        {
            if (!result.IsSuccess)
            {
                await stderr.WriteLineAsync($"Publish refused: {result.ReasonCode}").ConfigureAwait(false);
                return result.ReasonCode == MqttPublishReasonCode.NotAuthorized ? MqttExitCode.NotAuthorized : MqttExitCode.Refused;
            }
        }

        return MqttExitCode.Ok;
    }

    private static MqttApplicationMessage Message(MqttCliOptions o, byte[] payload) => new(o.Topics[0], payload)
    {
        QualityOfService = o.Qos,
        Retain = o.Retain,
        ContentType = o.ContentType,
        ResponseTopic = o.ResponseTopic,
        CorrelationData = o.CorrelationData is null ? null : Encoding.UTF8.GetBytes(o.CorrelationData),
        MessageExpiryInterval = o.MessageExpiry,
        PayloadFormat = o.PayloadFormat,
        UserProperties = o.PublishUserProperties.Count > 0 ? o.PublishUserProperties : null,
    };
}
