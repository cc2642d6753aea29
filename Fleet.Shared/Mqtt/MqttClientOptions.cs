using Fleet.Shared.Mqtt.Channel;
using Fleet.Shared.Mqtt.Packets;

namespace Fleet.Shared.Mqtt;

/// <summary>Where and how an <see cref="MqttClient"/> connects; validated by the client's constructor.</summary>
public sealed record MqttClientOptions
{
    /// <summary>Broker host name or address.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Broker port (1883 plain, 8883 TLS by convention).</summary>
    public int Port { get; init; } = 1883;

    /// <summary>TLS settings; null for plain TCP.</summary>
    public MqttTlsOptions? Tls { get; init; }

    /// <summary>MQTT 5.0 or 3.1.1.</summary>
    public MqttProtocolVersion ProtocolVersion { get; init; } = MqttProtocolVersion.V500;

    /// <summary>Client identifier; empty lets an MQTT 5 server assign one (then it is in <see cref="MqttConnectResult.AssignedClientIdentifier"/>).</summary>
    public string ClientId { get; init; } = "";

    /// <summary>Start a new session (true) or resume the stored one (false).</summary>
    public bool CleanStart { get; init; } = true;

    /// <summary>MQTT 5 Session Expiry Interval in seconds: 0 ends the session with the connection; <see cref="uint.MaxValue"/> never expires.</summary>
    public uint SessionExpiryInterval { get; init; }

    /// <summary>Keep-alive; zero disables it. The connection is declared lost when no PINGRESP arrives within 1.5 × this.</summary>
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>User name, or null.</summary>
    public string? UserName { get; init; }

    /// <summary>Password, or null.</summary>
    public string? Password { get; init; }

    /// <summary>Last will, published by the server when the connection ends without a normal DISCONNECT.</summary>
    public MqttApplicationMessage? Will { get; init; }

    /// <summary>MQTT 5 Will Delay Interval in seconds.</summary>
    public uint WillDelayInterval { get; init; }

    /// <summary>How many QoS 1/2 messages the server may have in flight towards this client.</summary>
    public ushort ReceiveMaximum { get; init; } = ushort.MaxValue;

    /// <summary>Largest packet this client accepts; bigger ones close the connection with 0x95.</summary>
    public uint MaximumPacketSize { get; init; } = 16 * 1024 * 1024;

    /// <summary>How many topic aliases the server may use towards this client (MQTT 5).</summary>
    public ushort TopicAliasMaximum { get; init; } = 64;

    /// <summary>Whether PUBLISHes use topic aliases, up to the server's Topic Alias Maximum (MQTT 5).</summary>
    /// <remarks>
    /// The first PUBLISH on a topic sends the name and assigns the next free alias; later ones send only
    /// the alias. Aliases belong to one connection and start afresh after a reconnect; once the server's
    /// maximum is used up, further topics go out by name.
    /// </remarks>
    public bool OutgoingTopicAliases { get; init; } = true;

    /// <summary>MQTT 5 user properties sent in CONNECT.</summary>
    public IReadOnlyList<MqttUserProperty>? UserProperties { get; init; }

    /// <summary>Time allowed for TCP, TLS and CONNACK together.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Time allowed for SUBACK/UNSUBACK.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Reconnect automatically after a lost connection (not after <see cref="MqttClient.DisconnectAsync"/>).</summary>
    public bool AutoReconnect { get; init; }

    /// <summary>First reconnect delay; doubles per failed attempt up to <see cref="ReconnectMaximumDelay"/>, each with jitter.</summary>
    public TimeSpan ReconnectInitialDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound of the reconnect delay.</summary>
    public TimeSpan ReconnectMaximumDelay { get; init; } = TimeSpan.FromSeconds(30);

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Host);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535);
        ArgumentOutOfRangeException.ThrowIfLessThan(KeepAlive, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(KeepAlive.TotalSeconds, ushort.MaxValue, nameof(KeepAlive));
        ArgumentOutOfRangeException.ThrowIfZero(ReceiveMaximum);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaximumPacketSize, 64u);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReconnectInitialDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(ReconnectMaximumDelay, ReconnectInitialDelay);
        if (ProtocolVersion == MqttProtocolVersion.V311 && ClientId.Length == 0 && !CleanStart)
        {
            throw new ArgumentException("MQTT 3.1.1 requires a client id when resuming a session", nameof(ClientId));
        }

        if (Will is { } will && !Topics.MqttTopic.IsValidTopicName(will.Topic))
        {
            throw new ArgumentException($"will topic '{will.Topic}' is not a valid topic name", nameof(Will));
        }
    }
}
