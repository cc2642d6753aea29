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

/// <summary>The connection: the reconnect pump, a fresh client per connection, inbound messages, backoff.</summary>
internal abstract partial class QueuedUplink
{
    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (Volatile.Read(ref _client) is not { IsConnected: true })
                {
                    if (!await ConnectAsync(cancellationToken).ConfigureAwait(false))
                    {
                        await BackOffAsync(delay, cancellationToken).ConfigureAwait(false);
                        delay = Next(delay);
                        continue;
                    }

                    delay = TimeSpan.FromMilliseconds(200);
                }

                var retryIn = await DeliverAsync(_client!, cancellationToken).ConfigureAwait(false);
                await _signal.WaitAsync(retryIn ?? TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (!ex.IsFatal())
            {
                UplinkLog.DeliveryFailed(_logger, _deviceId, ex);
                if (!await BackOffAsync(delay, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                delay = Next(delay);
            }
        }
    }

    /// <summary>A fresh client per connection: MQTTnet refuses to reconnect while a disconnect is still pending, and a new instance cannot act on the old connection.</summary>
    private async Task<bool> ConnectAsync(CancellationToken cancellationToken)
    {
        var old = Interlocked.Exchange(ref _client, null);
        old?.Dispose();
        var client = _factory.CreateMqttClient();
        // Attached before CONNECT: a resumed session's queued messages arrive right after CONNACK.
        client.ApplicationMessageReceivedAsync += OnReceivedAsync;
        var options = MqttClientOptionsFactory.Create(_settings);
        MqttClientConnectResult result;
        try
        {
            result = await client.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!ex.IsFatal() && !cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            UplinkLog.ConnectFailed(_logger, _deviceId, ex);
            return false;
        }

        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            client.Dispose();
            UplinkLog.Refused(_logger, _deviceId, result.ResultCode.ToString());
            return false;
        }

        Volatile.Write(ref _client, client);
        Interlocked.Increment(ref _connections);
        _reportSent = false;
        var subscribe = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(Topics.DeviceSubscription(_deviceId)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
            .Build();
        using var timeout = Patience(cancellationToken);
        await client.SubscribeAsync(subscribe, timeout.Token).ConfigureAwait(false);
        await OnConnectedAsync(client, timeout.Token).ConfigureAwait(false);
        return true;
    }

    private async Task OnReceivedAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        if (Received is { } received)
        {
            await received(ToInbound(e.ApplicationMessage)).ConfigureAwait(false);
        }
    }

    private async Task<bool> BackOffAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static TimeSpan Next(TimeSpan delay) => TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
}
