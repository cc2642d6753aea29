using Fleet.Shared.Mqtt.Packets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Fleet.Shared.Diagnostics;

namespace Fleet.Shared.Mqtt.Queue;

/// <summary>
/// Store and forward: drains an <see cref="IMqttOutboundQueue"/> through an <see cref="MqttClient"/>,
/// removing each message only after the broker acknowledged it (QoS 1/2) or it was queued for the
/// socket (QoS 0). Messages left in a durable queue by a previous process are sent on start.
/// </summary>
public sealed class MqttOutboundQueueSender : IAsyncDisposable
{
    private const int BatchSize = 256;
    private readonly MqttClient _client;
    private readonly IMqttOutboundQueue _queue;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <summary>Starts draining <paramref name="queue"/> through <paramref name="client"/>.</summary>
    public MqttOutboundQueueSender(MqttClient client, IMqttOutboundQueue queue, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(queue);
        _client = client;
        _queue = queue;
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _client.Connected += OnConnected;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Stores <paramref name="message"/> and wakes the sender; returns once stored, not once delivered.</summary>
    public async ValueTask<long> EnqueueAsync(MqttApplicationMessage message, CancellationToken cancellationToken = default)
    {
        var sequence = await _queue.EnqueueAsync(message, cancellationToken).ConfigureAwait(false);
        _wake.Release();
        return sequence;
    }

    /// <summary>Stops sending; undelivered messages stay in the queue.</summary>
    public async ValueTask DisposeAsync()
    {
        _client.Connected -= OnConnected;
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _stop.Dispose();
        _wake.Dispose();
    }

    private void OnConnected(object? sender, MqttClientConnectedEventArgs e) => _wake.Release();

    private async Task RunAsync()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            var batch = await _queue.PeekAsync(BatchSize, token).ConfigureAwait(false);
            if (batch.Count == 0 || !_client.IsConnected)
            {
                await _wake.WaitAsync(TimeSpan.FromSeconds(1), token).ConfigureAwait(false);
                continue;
            }

            try
            {
                var sends = new ValueTask<MqttPublishResult>[batch.Count];
                for (var i = 0; i < batch.Count; i++)
                {
                    sends[i] = _client.PublishAsync(batch[i].Message, token);
                }

                for (var i = 0; i < batch.Count; i++)
                {
                    // A refusal (e.g. not authorised) is final: retrying would block the queue forever.
                    await sends[i].ConfigureAwait(false);
                    await _queue.RemoveAsync(batch[i].Sequence, token).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (!ex.IsFatal() && ex is not OperationCanceledException)
            {
                MqttLog.QueueDeliveryFailed(_logger, ex);
                await Task.Delay(TimeSpan.FromMilliseconds(200), _time, token).ConfigureAwait(false);
            }
        }
    }
}
