using System.Collections.Concurrent;
using Fleet.Shared.Mqtt.Packets;
using Fleet.Shared.Diagnostics;

namespace Fleet.Shared.Mqtt;

/// <summary>
/// Request/response over MQTT 5: requests carry a Response Topic and unique Correlation Data; the
/// reply published to that topic with the same correlation data completes the request.
/// </summary>
/// <remarks>Responses are taken out of the client's message stream, so the application handler never sees them.</remarks>
public sealed class MqttRequester : IAsyncDisposable
{
    private readonly MqttClient _client;
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<MqttApplicationMessage>> _pending = new();
    private readonly Func<MqttApplicationMessage, bool> _interceptor;

    private MqttRequester(MqttClient client, string responseTopic)
    {
        _client = client;
        ResponseTopic = responseTopic;
        _interceptor = TryComplete;
    }

    /// <summary>The topic responses arrive on.</summary>
    public string ResponseTopic { get; }

    /// <summary>Subscribes to <paramref name="responseTopic"/> and returns a requester.</summary>
    public static async Task<MqttRequester> CreateAsync(MqttClient client, string responseTopic, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var requester = new MqttRequester(client, responseTopic);
        client.AddInterceptor(requester._interceptor);
        var result = await client.SubscribeAsync(responseTopic, MqttQualityOfService.AtLeastOnce, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            client.RemoveInterceptor(requester._interceptor);
            throw new InvalidOperationException($"subscribing to the response topic failed: {result.Items[0].ReasonCode}");
        }

        return requester;
    }

    /// <summary>Builds the reply to <paramref name="request"/>: its response topic and correlation data.</summary>
    public static MqttApplicationMessage CreateResponse(MqttApplicationMessage request, ReadOnlyMemory<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(request);
        var topic = request.ResponseTopic ?? throw new ArgumentException("the request has no response topic", nameof(request));
        return new MqttApplicationMessage(topic, payload) { CorrelationData = request.CorrelationData, QualityOfService = request.QualityOfService };
    }

    /// <summary>Publishes <paramref name="request"/> with a response topic and fresh correlation data, and waits for the reply.</summary>
    /// <exception cref="TimeoutException">No reply within <paramref name="timeout"/>.</exception>
    public async Task<MqttApplicationMessage> RequestAsync(MqttApplicationMessage request, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = Guid.NewGuid();
        var response = new TaskCompletionSource<MqttApplicationMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = response;
        try
        {
            var outgoing = new MqttApplicationMessage(request.Topic, request.Payload)
            {
                QualityOfService = request.QualityOfService,
                ContentType = request.ContentType,
                PayloadFormat = request.PayloadFormat,
                MessageExpiryInterval = request.MessageExpiryInterval,
                UserProperties = request.UserProperties,
                ResponseTopic = ResponseTopic,
                CorrelationData = id.ToByteArray(),
            };
            await _client.PublishAsync(outgoing, cancellationToken).ConfigureAwait(false);
            return await response.Task.WaitAsync(timeout, _client.Time, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>Stops intercepting responses and unsubscribes (best effort).</summary>
    public async ValueTask DisposeAsync()
    {
        _client.RemoveInterceptor(_interceptor);
        if (_client.IsConnected)
        {
            try
            {
                await _client.UnsubscribeAsync(ResponseTopic).ConfigureAwait(false);
            }
            catch (Exception ex) when (!ex.IsFatal())
            {
                // The connection may have dropped meanwhile; the subscription ends with the session.
            }
        }
    }

    private bool TryComplete(MqttApplicationMessage message)
    {
        if (message.Topic != ResponseTopic || message.CorrelationData is not { Length: 16 } correlation)
        {
            return false;
        }

        if (_pending.TryRemove(new Guid(correlation.Span), out var response))
        {
            response.TrySetResult(message);
        }

        return true;
    }
}
