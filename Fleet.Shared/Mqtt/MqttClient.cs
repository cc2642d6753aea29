using System.Threading.Channels;
using Fleet.Shared.Mqtt.Channel;
using Fleet.Shared.Mqtt.Packets;
using Fleet.Shared.Mqtt.Session;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Fleet.Shared.Diagnostics;

namespace Fleet.Shared.Mqtt;

/// <summary>An MQTT 5.0 / 3.1.1 client: connect, publish (QoS 0/1/2), subscribe, receive, reconnect.</summary>
/// <remarks>
/// <para>Expected outcomes are values: a refused CONNECT is a <see cref="MqttConnectResult"/>, a refused
/// publication a <see cref="MqttPublishResult"/>. Exceptions mean transport faults
/// (<see cref="MqttTransportException"/>), misuse, or a missing connection.</para>
/// <para>Received messages go to <see cref="MessageReceived"/> one at a time, in arrival order; the
/// PUBACK/PUBREC is sent after the handler returns, so a crash inside the handler means redelivery
/// (at least once), and QoS 2 messages reach the handler exactly once per session.</para>
/// <para>QoS 1/2 publications stay in the session until acknowledged: they survive lost connections
/// and are resent (DUP) after a reconnect; at most the server's Receive Maximum are in flight.</para>
/// </remarks>
public sealed partial class MqttClient : IAsyncDisposable
{
    private readonly MqttClientOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly MqttPacketIdPool _packetIds = new();
    private readonly MqttSendQuota _quota = new(ushort.MaxValue);
    private readonly Dictionary<ushort, MqttOutgoingPublish> _outgoing = [];
    private readonly Stack<MqttOutgoingPublish> _pool = new();
    private readonly Dictionary<ushort, MqttIncomingQos2State> _incomingQos2 = [];
    private readonly Dictionary<ushort, int> _releasedQos2 = [];
    private readonly Dictionary<ushort, TaskCompletionSource<MqttSubAckPacket>> _pendingRequests = [];
    private readonly Dictionary<string, (MqttTopicSubscription Subscription, uint? Identifier)> _subscriptions = new(StringComparer.Ordinal);
    private readonly Channel<MqttIncomingMessage> _inbox = System.Threading.Channels.Channel.CreateUnbounded<MqttIncomingMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<Func<MqttApplicationMessage, bool>> _interceptors = [];
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Task _dispatcher;
    private List<(MqttOutgoingPublish Entry, MqttPublishResult Result)> _completions = [];
    private MqttConnection? _connection;
    private MqttConnection? _connecting;
    private TaskCompletionSource<MqttConnAckPacket>? _connAck;
    private Task _reconnectTask = Task.CompletedTask;
    private int _awaitingAcknowledgement;
    private long _sequence;
    private int _generation;
    private bool _wantConnection;
    private bool _disposed;

    /// <summary>Creates a client; nothing connects until <see cref="ConnectAsync"/>.</summary>
    public MqttClient(MqttClientOptions options, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _dispatcher = Task.Run(RunDispatcherAsync);
    }

    /// <summary>The clock the client's timeouts and reconnect delays run on.</summary>
    internal TimeProvider Time => _time;

    /// <summary>Raised after every successful (re)connect, once unacknowledged publications were queued for resending.</summary>
    public event EventHandler<MqttClientConnectedEventArgs>? Connected;

    /// <summary>Raised when an established connection ends, whoever ended it.</summary>
    public event EventHandler<MqttClientDisconnectedEventArgs>? Disconnected;

    /// <summary>Handles received messages, one at a time and in order; the acknowledgement follows its completion.</summary>
    /// <remarks>Set before connecting. Exceptions are logged and the message is acknowledged anyway, so one poisoned message cannot block the session.</remarks>
    public Func<MqttApplicationMessage, CancellationToken, ValueTask>? MessageReceived { get; set; }

    /// <summary>The options this client was created with.</summary>
    public MqttClientOptions Options => _options;

    /// <summary>Whether a connection is established right now.</summary>
    public bool IsConnected => Volatile.Read(ref _connection) is { IsClosed: false };

    /// <summary>QoS 1/2 publications not yet fully acknowledged.</summary>
    public int PendingPublications
    {
        get
        {
            lock (_gate)
            {
                return _outgoing.Count;
            }
        }
    }

    /// <summary>Disconnects normally (if connected), fails pending publications, and stops the dispatcher.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        await DisconnectAsync().ConfigureAwait(false);
        _disposed = true;
        await _lifetime.CancelAsync().ConfigureAwait(false);
        await AwaitQuietly(_reconnectTask).ConfigureAwait(false);
        List<MqttOutgoingPublish> pending;
        lock (_gate)
        {
            pending = [.. _outgoing.Values];
            _outgoing.Clear();
            Volatile.Write(ref _awaitingAcknowledgement, 0);
        }

        foreach (var entry in pending)
        {
            entry.Fail(new ObjectDisposedException(nameof(MqttClient), "the client was disposed before the publication was acknowledged"));
        }

        _inbox.Writer.TryComplete();
        await AwaitQuietly(_dispatcher).ConfigureAwait(false);
        _lifetime.Dispose();
    }

    internal void AddInterceptor(Func<MqttApplicationMessage, bool> interceptor)
    {
        lock (_interceptors)
        {
            _interceptors.Add(interceptor);
        }
    }

    internal void RemoveInterceptor(Func<MqttApplicationMessage, bool> interceptor)
    {
        lock (_interceptors)
        {
            _interceptors.Remove(interceptor);
        }
    }

    private static async Task AwaitQuietly(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception ex) when (!ex.IsFatal())
        {
            // Shutting down: the task's fault was already reported where it happened.
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
