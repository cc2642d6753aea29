using Fleet.Shared.Messaging;
using MQTTnet;
using MQTTnet.Exceptions;

namespace Fleet.Cli.Mqtt;

/// <summary><c>fleet mqtt pub|sub</c>: mosquitto_pub / mosquitto_sub work-alikes on MQTTnet.</summary>
internal static class MqttCommand
{
    public const string Usage = """
        usage: fleet mqtt pub -t TOPIC (-m MSG | -f FILE | -l | -n | -s) [options]
               fleet mqtt sub -t FILTER [-t FILTER …] [options]
        connection: -h HOST  -p PORT  -i ID  -u USER  -P PASSWORD  -V 311|5|mqttv311|mqttv5
                    -k KEEPALIVE  -c (keep session)  -x SESSION_EXPIRY  -D connect user-property K V
        will:       --will-topic TOPIC  --will-payload MSG  --will-qos QOS  --will-retain
                    (published by the broker if the connection ends without a DISCONNECT)
        TLS:        --cafile FILE  --cert FILE  --key FILE  --insecure
        pub:        -q QOS  -r (retain)  --repeat N  -M MAX_INFLIGHT (QoS 1; default 20, never above the
                    server's Receive Maximum; QoS 2 goes one at a time)  -D publish (user-property K V | content-type T |
                    response-topic T | correlation-data D | message-expiry-interval S | payload-format-indicator 0|1)
        sub:        -q QOS  -C COUNT  -W SECONDS  -v (print topic)  -N (no newline)  -R (skip retained)
                    -T FILTER (filter out)  -U FILTER (unsubscribe)
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextReader stdin, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (args.Count == 0 || args[0] is not ("pub" or "sub"))
        {
            await stderr.WriteLineAsync(Usage + MqttExitCode.Help).ConfigureAwait(false);
            return args.Count > 0 && args[0] == "--help" ? MqttExitCode.Ok : MqttExitCode.Usage;
        }

        var (options, error) = MqttCliOptions.Parse([.. args.Skip(1)]);
        if (options.Help)
        {
            await stdout.WriteLineAsync(Usage + MqttExitCode.Help).ConfigureAwait(false);
            return MqttExitCode.Ok;
        }

        error ??= options.Topics.Count == 0 && !(args[0] == "sub" && options.Unsubscribe.Count > 0) ? "no topic given (-t)" : null;
        if (error is not null)
        {
            await stderr.WriteLineAsync($"fleet mqtt {args[0]}: {error}\n{Usage}").ConfigureAwait(false);
            return MqttExitCode.Usage;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (options.TimeoutSeconds is { } seconds)
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(seconds));
        }

        try
        {
            return args[0] == "pub"
                ? await MqttPublisher.RunAsync(options, stdin, stderr, timeout.Token).ConfigureAwait(false)
                : await MqttSubscriber.RunAsync(options, stdout, stderr, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MqttProtocolViolationException or NotSupportedException or ArgumentException)
        {
            await stderr.WriteLineAsync($"fleet mqtt {args[0]}: {ex.Message}").ConfigureAwait(false);
            return MqttExitCode.Usage;
        }
        catch (Exception ex) when (MqttFailure.Classify(ex) is not MqttFailureKind.None and var kind
            && !(kind == MqttFailureKind.Timeout && cancellationToken.IsCancellationRequested))
        {
            await stderr.WriteLineAsync($"fleet mqtt {args[0]}: {(kind == MqttFailureKind.Timeout ? "timed out" : Describe(ex))}").ConfigureAwait(false);
            return kind switch
            {
                MqttFailureKind.Tls => MqttExitCode.TlsError,
                MqttFailureKind.Timeout => MqttExitCode.Timeout,
                _ => MqttExitCode.ConnectionLost,
            };
        }
    }

    /// <summary>Connects; a refusal becomes the exit code that names it.</summary>
    internal static async Task<(IMqttClient? Client, MqttClientConnectResult? Result, int ExitCode)> ConnectAsync(MqttCliOptions options, TextWriter stderr, CancellationToken cancellationToken)
    {
        var clientOptions = MqttClientOptionsFactory.Create(options.ToSettings());
        var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            var result = await client.ConnectAsync(clientOptions, cancellationToken).ConfigureAwait(false);
            if (result.ResultCode == MqttClientConnectResultCode.Success)
            {
                return (client, result, MqttExitCode.Ok);
            }

            client.Dispose();
            await stderr.WriteLineAsync($"Connection error: {result.ResultCode}{(string.IsNullOrEmpty(result.ReasonString) ? "" : ": " + result.ReasonString)}").ConfigureAwait(false);
            return (null, null, result.ResultCode is MqttClientConnectResultCode.NotAuthorized or MqttClientConnectResultCode.BadUserNameOrPassword
                ? MqttExitCode.NotAuthorized
                : MqttExitCode.Refused);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>The innermost message says what went wrong (MQTTnet's outer ones are generic).</summary>
    private static string Describe(Exception ex) => ex.GetBaseException() is { } inner && inner != ex ? $"{ex.Message} ({inner.Message})" : ex.Message;
}
