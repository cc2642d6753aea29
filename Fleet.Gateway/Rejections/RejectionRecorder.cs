using System.Threading.Channels;
using Fleet.Gateway.Metrics;
using Fleet.Gateway.Store;
using Fleet.Gateway.Store.Rejections;
using Fleet.Shared.Diagnostics;
using Fleet.Shared.Protocol;

namespace Fleet.Gateway.Rejections;

/// <summary>
/// Records device messages that were acknowledged without being acted on in the store's rejected-messages log,
/// counts them (<c>fleet_rejections_total</c>) and logs each one.
/// </summary>
/// <remarks>
/// Recording never holds up ingress: entries are queued (at most <see cref="Capacity"/>) and written in order by one
/// background writer. The log is for operators, not a delivery guarantee: when the store is down or the queue is
/// full the entry is dropped (counted in <c>fleet_rejections_unrecorded_total</c> and logged); the message itself
/// was already refused for good.
/// </remarks>
internal sealed class RejectionRecorder : IAsyncDisposable
{
    public const int Capacity = 1000;

    /// <summary>How many rejections the log keeps (the newest); a device flooding garbage cannot fill the store.</summary>
    public const int Retained = 100_000;

    /// <summary>The log is trimmed to <see cref="Retained"/> after every this many writes.</summary>
    public const int TrimEvery = 1000;

    private readonly IFleetStore _store;
    private readonly ILogger _logger;
    private readonly Channel<NewRejection> _queue = Channel.CreateBounded<NewRejection>(new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Counter _recorded;
    private readonly Counter _unrecorded;
    private readonly Task _writer;

    public RejectionRecorder(IFleetStore store, MetricsRegistry metrics, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _store = store;
        _logger = logger;
        _recorded = metrics.Counter("fleet_rejections_total", "Device messages acknowledged without being acted on (poison messages), each listed at /api/v1/rejections");
        _unrecorded = metrics.Counter("fleet_rejections_unrecorded_total", "Rejections that could not be written to the rejected-messages log (store down or queue full)");
        _writer = Task.Run(WriteAsync);
    }

    /// <summary>Counts, logs and queues <paramref name="rejection"/> for the store.</summary>
    public void Record(NewRejection rejection)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        _recorded.Increment();
        GatewayLog.MessagePoisoned(_logger, rejection.Topic, rejection.Cause, rejection.Reason);
        if (!_queue.Writer.TryWrite(rejection))
        {
            _unrecorded.Increment();
        }
    }

    /// <summary>Records a payload that breaks the protocol (<see cref="RejectionCauses.Protocol"/>).</summary>
    public void Invalid(string deviceId, TopicKind kind, int shardCount, string reason, ReadOnlyMemory<byte> payload) =>
        Record(new NewRejection(deviceId, Topics.FromDevice(deviceId, kind, shardCount), KindName(kind), RejectionCauses.Protocol, reason, payload));

    /// <summary>The kind as listed: <c>report</c>, <c>telemetry</c>, <c>events</c>, <c>status</c>, <c>commandResult</c>.</summary>
    public static string KindName(TopicKind kind) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(kind.ToString());

    private async Task WriteAsync()
    {
        var written = 0;
        await foreach (var rejection in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await _store.Rejections.AppendAsync(rejection, CancellationToken.None).ConfigureAwait(false);
                if (++written % TrimEvery == 0)
                {
                    await _store.Rejections.TrimAsync(Retained, CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (!ex.IsFatal())
            {
                _unrecorded.Increment();
                GatewayLog.RejectionNotRecorded(_logger, rejection.Topic, ex);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }
}
