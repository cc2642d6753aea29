using System.Buffers;
using System.Threading.Channels;
using Fleet.Device.Uplink.Queue;
using Fleet.Shared.Diagnostics;
using Fleet.Shared.Messaging;
using Fleet.Shared.Protocol;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Fleet.Device.Uplink;

/// <summary>The QoS 1 event path: the one disk writer (group commit) and delivery of the queue, one event in flight.</summary>
internal abstract partial class QueuedUplink
{
    /// <summary>The one disk writer: takes every write waiting, appends them in order with one flush (group commit), then completes them.</summary>
    private async Task WriteAsync()
    {
        var batch = new List<PendingWrite>();
        var payloads = new List<ReadOnlyMemory<byte>>();
        while (await _writes.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            payloads.Clear();
            while (batch.Count < 256 && _writes.Reader.TryRead(out var write))
            {
                if (write.CancellationToken.IsCancellationRequested)
                {
                    write.Done.TrySetCanceled(write.CancellationToken);
                    continue;
                }

                batch.Add(write);
                payloads.Add(write.Payload);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                await _queue.EnqueueManyAsync(payloads, CancellationToken.None).ConfigureAwait(false);
                batch.ForEach(w => w.Done.TrySetResult());
                _signal.Release();
            }
            catch (Exception ex) when (!ex.IsFatal())
            {
                batch.ForEach(w => w.Done.TrySetException(ex));
            }
        }
    }

    /// <summary>Sends the report if it changed, then the queued events one at a time; returns when to retry early (an event nobody received).</summary>
    private async Task<TimeSpan?> DeliverAsync(IMqttClient client, CancellationToken cancellationToken)
    {
        if (!_reportSent)
        {
            _reportSent = true;
            // Not empty: a null byte[] converts to an empty memory, not to null, and an empty retained publish would
            // delete the device's retained report at the broker (and reach the gateway as an invalid report).
            if (NextReport() is { IsEmpty: false } report)
            {
                var reported = await PublishAsync(client, Message(From(TopicKind.Report), report, MqttQualityOfServiceLevel.AtLeastOnce, retain: true), cancellationToken)
                    .ConfigureAwait(false);
                if (reported.ReasonCode != MqttClientPublishReasonCode.NoMatchingSubscribers)
                {
                    Journal?.Acknowledged(_deviceId, TopicKind.Report, report.Span);
                }
            }
        }

        var topic = From(TopicKind.Events);
        while (client.IsConnected)
        {
            var batch = _queue.PeekBatch(32);
            if (batch.Count == 0)
            {
                return null;
            }

            // Removed from the queue only after PUBACKs. The acknowledged mark is saved once per batch (an atomic file
            // write each time would cap delivery near the disk's sync rate): a crash in between republishes at most a
            // batch, which the gateway deduplicates.
            var acknowledged = -1L;
            try
            {
                foreach (var queued in batch)
                {
                    var result = await PublishAsync(client, Message(topic, queued.Payload, MqttQualityOfServiceLevel.AtLeastOnce), cancellationToken).ConfigureAwait(false);
                    if (result.ReasonCode == MqttClientPublishReasonCode.NoMatchingSubscribers)
                    {
                        // Acknowledged, but delivered to no one: the gateway's shard session does not exist yet.
                        Interlocked.Increment(ref _noSubscribers);
                        UplinkLog.NoSubscribers(_logger, _deviceId, topic);
                        return NoSubscriberRetry;
                    }

                    Interlocked.Increment(ref _published);
                    Journal?.Acknowledged(_deviceId, TopicKind.Events, queued.Payload);
                    acknowledged = queued.Sequence;
                }
            }
            finally
            {
                if (acknowledged >= 0)
                {
                    _queue.Acknowledge(acknowledged);
                }
            }
        }

        return null;
    }

    private sealed record PendingWrite(ReadOnlyMemory<byte> Payload, TaskCompletionSource Done, CancellationToken CancellationToken);
}
