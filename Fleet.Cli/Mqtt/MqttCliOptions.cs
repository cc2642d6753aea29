using System.Globalization;
using System.Text;
using Fleet.Shared.Messaging;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace Fleet.Cli.Mqtt;

/// <summary>mosquitto_pub / mosquitto_sub style options, parsed by hand because <c>-h</c> is the host, not help.</summary>
internal sealed class MqttCliOptions
{
    public string Host { get; private set; } = "localhost";
    public int? Port { get; private set; }
    public string? ClientId { get; private set; }
    public string? UserName { get; private set; }
    public string? Password { get; private set; }
    public MqttProtocolVersion Version { get; private set; } = MqttProtocolVersion.V311;
    public int KeepAlive { get; private set; } = 60;
    public bool CleanSession { get; private set; } = true;
    public uint? SessionExpiry { get; private set; }
    public string? CaFile { get; private set; }
    public string? CertFile { get; private set; }
    public string? KeyFile { get; private set; }
    public bool Insecure { get; private set; }
    public MqttQualityOfServiceLevel Qos { get; private set; }
    public List<string> Topics { get; } = [];
    public List<string> FilterOut { get; } = [];
    public List<string> Unsubscribe { get; } = [];
    public string? Message { get; private set; }
    public string? File { get; private set; }
    public bool Lines { get; private set; }
    public bool NullMessage { get; private set; }
    public bool Stdin { get; private set; }
    public bool Retain { get; private set; }
    public int Repeat { get; private set; } = 1;
    public int? Count { get; private set; }
    public int MaxInflight { get; private set; } = 20;
    public int? TimeoutSeconds { get; private set; }
    public bool Verbose { get; private set; }
    public bool NoNewline { get; private set; }
    public bool NoRetained { get; private set; }
    public bool Help { get; private set; }
    public List<MqttUserProperty> PublishUserProperties { get; } = [];
    public List<MqttUserProperty> ConnectUserProperties { get; } = [];
    public string? ContentType { get; private set; }
    public string? ResponseTopic { get; private set; }
    public string? CorrelationData { get; private set; }
    public uint? MessageExpiry { get; private set; }
    public MqttPayloadFormatIndicator? PayloadFormat { get; private set; }
    public string? WillTopic { get; private set; }
    public string? WillPayload { get; private set; }
    public MqttQualityOfServiceLevel WillQos { get; private set; }
    public bool WillRetain { get; private set; }

    /// <summary>Parses <paramref name="args"/>; returns an error message or null.</summary>
    public static (MqttCliOptions Options, string? Error) Parse(IReadOnlyList<string> args)
    {
        var o = new MqttCliOptions();
        try
        {
            for (var i = 0; i < args.Count; i++)
            {
                string Next() => ++i < args.Count ? args[i] : throw new FormatException($"{args[i - 1]} needs a value");
                switch (args[i])
                {
                    case "--help": o.Help = true; break;
                    case "-h" or "--host": o.Host = Next(); break;
                    case "-p" or "--port": o.Port = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "-i" or "--id": o.ClientId = Next(); break;
                    case "-u" or "--username": o.UserName = Next(); break;
                    case "-P" or "--pw": o.Password = Next(); break;
                    case "-V" or "--protocol-version": o.Version = ParseVersion(Next()); break;
                    case "-k" or "--keepalive": o.KeepAlive = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "-c" or "--disable-clean-session": o.CleanSession = false; break;
                    case "-x" or "--session-expiry-interval": o.SessionExpiry = uint.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--cafile": o.CaFile = Next(); break;
                    case "--cert": o.CertFile = Next(); break;
                    case "--key": o.KeyFile = Next(); break;
                    case "--insecure": o.Insecure = true; break;
                    case "-q" or "--qos": o.Qos = ParseQos(Next()); break;
                    case "-t" or "--topic": o.Topics.Add(Next()); break;
                    case "-T" or "--filter-out": o.FilterOut.Add(Next()); break;
                    case "-U" or "--unsubscribe": o.Unsubscribe.Add(Next()); break;
                    case "-m" or "--message": o.Message = Next(); break;
                    case "-f" or "--file": o.File = Next(); break;
                    case "-l" or "--stdin-line": o.Lines = true; break;
                    case "-n" or "--null-message": o.NullMessage = true; break;
                    case "-s" or "--stdin-file": o.Stdin = true; break;
                    case "-r" or "--retain": o.Retain = true; break;
                    case "--repeat": o.Repeat = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "-M" or "--max-inflight": o.MaxInflight = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "-C" or "--count": o.Count = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "-W" or "--timeout": o.TimeoutSeconds = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "-v" or "--verbose": o.Verbose = true; break;
                    case "-N": o.NoNewline = true; break;
                    case "-R": o.NoRetained = true; break;
                    case "-d" or "--debug" or "--quiet": break;
                    case "-D" or "--property": o.ParseProperty(Next(), Next(), Next); break;
                    case "--will-topic": o.WillTopic = Next(); break;
                    case "--will-payload": o.WillPayload = Next(); break;
                    case "--will-qos": o.WillQos = ParseQos(Next()); break;
                    case "--will-retain": o.WillRetain = true; break;
                    default: throw new FormatException($"unknown option '{args[i]}'");
                }
            }
        }
        catch (FormatException ex)
        {
            return (o, ex.Message);
        }
        catch (OverflowException ex)
        {
            return (o, ex.Message);
        }

        // As mosquitto_pub/sub: the other will options mean nothing without a will topic.
        if (o.WillTopic is null && (o.WillPayload is not null || o.WillQos != MqttQualityOfServiceLevel.AtMostOnce || o.WillRetain))
        {
            return (o, "--will-payload, --will-qos and --will-retain need --will-topic");
        }

        if (o.WillTopic is not null && !IsValidTopicName(o.WillTopic))
        {
            return (o, $"--will-topic '{o.WillTopic}' is not a valid topic name");
        }

        if (o.MaxInflight is < 1 or > ushort.MaxValue)
        {
            return (o, "-M must be between 1 and 65535");
        }

        if (o.Version == MqttProtocolVersion.V311 && (o.PublishUserProperties.Count > 0 || o.ConnectUserProperties.Count > 0 || o.ContentType is not null
            || o.ResponseTopic is not null || o.CorrelationData is not null || o.MessageExpiry is not null || o.PayloadFormat is not null))
        {
            return (o, "-D properties need MQTT 5 (-V 5)");
        }

        return (o, null);
    }

    /// <summary>The connection these options describe, for <see cref="MqttClientOptionsFactory"/>.</summary>
    public MqttConnectionSettings ToSettings() => new()
    {
        Host = Host,
        Port = Port ?? (CaFile is not null || CertFile is not null || Insecure ? 8883 : 1883),
        ClientId = ClientId ?? "fleet-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
        ProtocolVersion = Version,
        UserName = UserName,
        Password = Password,
        KeepAlive = TimeSpan.FromSeconds(KeepAlive),
        CleanStart = CleanSession,
        SessionExpiryInterval = SessionExpiry ?? (CleanSession ? 0 : uint.MaxValue),
        UserProperties = ConnectUserProperties,
        Will = WillTopic is null ? null : new MqttWillSettings(WillTopic, Encoding.UTF8.GetBytes(WillPayload ?? ""), WillQos, WillRetain),
        Tls = CaFile is null && CertFile is null && !Insecure ? null : new MqttTlsSettings
        {
            CaFile = CaFile,
            CertificateFile = CertFile,
            KeyFile = KeyFile,
            AllowUntrustedCertificates = Insecure,
        },
    };

    private static MqttUserProperty UserProperty(string name, string value) => new(name, Encoding.UTF8.GetBytes(value).AsMemory());

    private static bool IsValidTopicName(string topic)
    {
        try
        {
            MqttTopicValidator.ThrowIfInvalid(topic);
            return true;
        }
        catch (MqttProtocolViolationException)
        {
            return false;
        }
    }

    private static MqttProtocolVersion ParseVersion(string value) => value switch
    {
        "311" or "mqttv311" => MqttProtocolVersion.V311,
        "5" or "mqttv5" => MqttProtocolVersion.V500,
        _ => throw new FormatException($"-V must be 311, mqttv311, 5 or mqttv5, not '{value}'"),
    };

    private static MqttQualityOfServiceLevel ParseQos(string value) => value switch
    {
        "0" => MqttQualityOfServiceLevel.AtMostOnce,
        "1" => MqttQualityOfServiceLevel.AtLeastOnce,
        "2" => MqttQualityOfServiceLevel.ExactlyOnce,
        _ => throw new FormatException($"-q must be 0, 1 or 2, not '{value}'"),
    };

    private void ParseProperty(string command, string name, Func<string> next)
    {
        switch (command, name)
        {
            case ("publish", "user-property"): PublishUserProperties.Add(UserProperty(next(), next())); break;
            case ("connect", "user-property"): ConnectUserProperties.Add(UserProperty(next(), next())); break;
            case ("publish", "content-type"): ContentType = next(); break;
            case ("publish", "response-topic"): ResponseTopic = next(); break;
            case ("publish", "correlation-data"): CorrelationData = next(); break;
            case ("publish", "message-expiry-interval"): MessageExpiry = uint.Parse(next(), CultureInfo.InvariantCulture); break;
            case ("publish", "payload-format-indicator"): PayloadFormat = (MqttPayloadFormatIndicator)byte.Parse(next(), CultureInfo.InvariantCulture); break;
            case ("connect", "session-expiry-interval"): SessionExpiry = uint.Parse(next(), CultureInfo.InvariantCulture); break;
            default: throw new FormatException($"unsupported property -D {command} {name}");
        }
    }
}
