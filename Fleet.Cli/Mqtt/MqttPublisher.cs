using System.Buffers;
using System.Text;
using MQTTnet;
using MQTTnet.Protocol;

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

        var (client, connected, exitCode) = await MqttCommand.ConnectAsync(o, stderr, cancellationToken).ConfigureAwait(false);
        if (client is null || connected is null)
        {
            return exitCode;
        }

        using (client)
        {
            // The server's Receive Maximum is absent on MQTT 3.1.1 and when it allows the full 65,535.
            // QoS 2 goes one at a time: Mosquitto hands a QoS 2 message on at PUBREL, and MQTTnet sends each
            // PUBREL from its own publication's continuation, so concurrent QoS 2 publications are released
            // (and delivered) out of order (measured: 1, 0, 3, 2, …). Over 3.1.1 a broker cannot say its
            // window, and Mosquitto answers a QoS 2 PUBLISH beyond it with a normal PUBREC and drops it.
            var limit = o.Qos == MqttQualityOfServiceLevel.ExactlyOnce ? 1
                : Math.Min(o.MaxInflight, connected.ReceiveMaximum is > 0 and var receiveMaximum ? receiveMaximum : ushort.MaxValue);
            var window = new PublishWindow(client, limit, connected.MaximumPacketSize ?? 0, o.Version, stderr);
            try
            {
                exitCode = await PublishAllAsync(o, window, stdin, cancellationToken).ConfigureAwait(false);
                if (exitCode == MqttExitCode.Ok)
                {
                    exitCode = await window.DrainAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                window.Abandon();
            }

            if (exitCode == MqttExitCode.Ok)
            {
                await client.DisconnectAsync(new MqttClientDisconnectOptions(), cancellationToken).ConfigureAwait(false);
            }

            return exitCode;
        }
    }

    private static async Task<int> PublishAllAsync(MqttCliOptions o, PublishWindow window, TextReader stdin, CancellationToken cancellationToken)
    {
        if (o.Lines)
        {
            while (await stdin.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                var exitCode = await window.PublishAsync(Message(o, Encoding.UTF8.GetBytes(line)), cancellationToken).ConfigureAwait(false);
                if (exitCode != MqttExitCode.Ok)
                {
                    return exitCode;
                }
            }

            return MqttExitCode.Ok;
        }

        var payload = o.Message is { } m ? Encoding.UTF8.GetBytes(m)
            : o.File is { } f ? await File.ReadAllBytesAsync(f, cancellationToken).ConfigureAwait(false)
            : o.Stdin ? Encoding.UTF8.GetBytes(await stdin.ReadToEndAsync(cancellationToken).ConfigureAwait(false))
            : [];
        for (var i = 0; i < o.Repeat; i++)
        {
            var exitCode = await window.PublishAsync(Message(o, payload), cancellationToken).ConfigureAwait(false);
            if (exitCode != MqttExitCode.Ok)
            {
                return exitCode;
            }
        }

        return MqttExitCode.Ok;
    }

    /// <summary>Only the properties asked for: MQTTnet writes a property whenever its value is non-null, even when empty.</summary>
    private static MqttApplicationMessage Message(MqttCliOptions o, byte[] payload) => new()
    {
        Topic = o.Topics[0],
        Payload = new ReadOnlySequence<byte>(payload),
        QualityOfServiceLevel = o.Qos,
        Retain = o.Retain,
        ContentType = o.ContentType,
        ResponseTopic = o.ResponseTopic,
        CorrelationData = o.CorrelationData is null ? null : Encoding.UTF8.GetBytes(o.CorrelationData),
        MessageExpiryInterval = o.MessageExpiry ?? 0,
        PayloadFormatIndicator = o.PayloadFormat ?? MqttPayloadFormatIndicator.Unspecified,
        UserProperties = o.PublishUserProperties.Count > 0 ? o.PublishUserProperties : null,
    };
}
