using Fleet.Shared.Mqtt.Channel;
using Fleet.Shared.Mqtt.Packets;
using Fleet.Shared.Mqtt.Topics;
using Fleet.Shared.Diagnostics;

namespace Fleet.Shared.Mqtt;

public sealed partial class MqttClient
{
    /// <summary>Subscribes to one filter.</summary>
    public Task<MqttSubscribeResult> SubscribeAsync(string topicFilter, MqttQualityOfService qualityOfService = MqttQualityOfService.AtLeastOnce, CancellationToken cancellationToken = default) =>
        SubscribeAsync([new MqttTopicSubscription(topicFilter, qualityOfService)], cancellationToken: cancellationToken);

    /// <summary>Subscribes to filters with their options; the result has one reason code per filter.</summary>
    /// <remarks>Granted subscriptions are remembered and re-subscribed after a reconnect whose session was not resumed.</remarks>
    public async Task<MqttSubscribeResult> SubscribeAsync(IReadOnlyList<MqttTopicSubscription> subscriptions, uint? subscriptionIdentifier = null,
        IReadOnlyList<MqttUserProperty>? userProperties = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriptions);
        ArgumentOutOfRangeException.ThrowIfZero(subscriptions.Count);
        foreach (var s in subscriptions)
        {
            if (!MqttTopic.IsValidTopicFilter(s.TopicFilter))
            {
                throw new ArgumentException($"'{s.TopicFilter}' is not a valid topic filter", nameof(subscriptions));
            }
        }

        var ack = await RequestAsync(id => new MqttSubscribePacket(id, subscriptions) { SubscriptionIdentifier = subscriptionIdentifier, UserProperties = userProperties },
            cancellationToken).ConfigureAwait(false);
        if (ack.Type != MqttPacketType.SubAck || ack.ReasonCodes.Count != subscriptions.Count)
        {
            throw new Formatter.MqttProtocolViolationException(MqttDisconnectReasonCode.ProtocolError, "SUBACK does not answer the SUBSCRIBE");
        }

        var items = new MqttSubscribeResultItem[subscriptions.Count];
        lock (_gate)
        {
            for (var i = 0; i < items.Length; i++)
            {
                var code = (MqttSubscribeReasonCode)ack.ReasonCodes[i];
                items[i] = new MqttSubscribeResultItem(subscriptions[i].TopicFilter, code);
                if ((byte)code < 0x80)
                {
                    _subscriptions[subscriptions[i].TopicFilter] = (subscriptions[i], subscriptionIdentifier);
                }
            }
        }

        return new MqttSubscribeResult(items, ack.ReasonString);
    }

    /// <summary>Unsubscribes from filters; the result has one reason code per filter.</summary>
    public async Task<MqttUnsubscribeResult> UnsubscribeAsync(IReadOnlyList<string> topicFilters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(topicFilters);
        ArgumentOutOfRangeException.ThrowIfZero(topicFilters.Count);
        lock (_gate)
        {
            foreach (var filter in topicFilters)
            {
                _subscriptions.Remove(filter);
            }
        }

        var ack = await RequestAsync(id => new MqttUnsubscribePacket(id, topicFilters), cancellationToken).ConfigureAwait(false);
        var v5 = _options.ProtocolVersion == MqttProtocolVersion.V500;
        if (ack.Type != MqttPacketType.UnsubAck || (v5 && ack.ReasonCodes.Count != topicFilters.Count))
        {
            throw new Formatter.MqttProtocolViolationException(MqttDisconnectReasonCode.ProtocolError, "UNSUBACK does not answer the UNSUBSCRIBE");
        }

        return new MqttUnsubscribeResult([.. topicFilters.Select((f, i) =>
            new MqttUnsubscribeResultItem(f, v5 ? (MqttUnsubscribeReasonCode)ack.ReasonCodes[i] : MqttUnsubscribeReasonCode.Success))]);
    }

    /// <summary>Unsubscribes from one filter.</summary>
    public Task<MqttUnsubscribeResult> UnsubscribeAsync(string topicFilter, CancellationToken cancellationToken = default) =>
        UnsubscribeAsync([topicFilter], cancellationToken);

    private async Task<MqttSubAckPacket> RequestAsync(Func<ushort, MqttPacket> create, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        var response = new TaskCompletionSource<MqttSubAckPacket>(TaskCreationOptions.RunContinuationsAsynchronously);
        ushort id;
        lock (_gate)
        {
            var connection = _connection ?? throw new MqttClientNotConnectedException();
            id = _packetIds.Rent();
            _pendingRequests.Add(id, response);
            connection.Enqueue(MqttOutgoing.ForPacket(create(id)));
        }

        try
        {
            return await response.Task.WaitAsync(_options.RequestTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                if (_pendingRequests.Remove(id))
                {
                    _packetIds.Return(id);
                }
            }
        }
    }

    private async Task ResubscribeAsync()
    {
        List<(MqttTopicSubscription Subscription, uint? Identifier)> remembered;
        lock (_gate)
        {
            remembered = [.. _subscriptions.Values];
        }

        foreach (var group in remembered.GroupBy(r => r.Identifier))
        {
            try
            {
                await SubscribeAsync([.. group.Select(g => g.Subscription)], group.Key, cancellationToken: _lifetime.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (!ex.IsFatal())
            {
                MqttLog.ResubscribeFailed(_logger, ex);
                return;
            }
        }
    }
}
