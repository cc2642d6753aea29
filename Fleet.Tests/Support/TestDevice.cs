using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.Shared.Messaging;
using Fleet.Shared.Protocol;
using MQTTnet;
using MQTTnet.Protocol;

namespace Fleet.Tests.Gateway.Infrastructure;

/// <summary>
/// A device made of an MQTTnet client, following docs/PROTOCOL.md by hand: persistent session, Last Will,
/// one seq counter over every kind, subscribes to its gateway topics and answers commands on the
/// request's response topic.
/// </summary>
internal sealed class TestDevice : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private long _seq;

    private TestDevice(string id, IMqttClient client)
    {
        Id = id;
        _client = client;
        client.ApplicationMessageReceivedAsync += e => OnMessageAsync(e.ApplicationMessage, CancellationToken.None).AsTask();
    }

    public string Id { get; }

    public long Epoch { get; } = 1795322120000;

    public ConcurrentQueue<DesiredState> Desired { get; } = new();

    /// <summary>Raised after a desired state was added to <see cref="Desired"/>.</summary>
    public event Action? DesiredReceived;

    public ConcurrentQueue<CommandRequest> Commands { get; } = new();

    /// <summary>Answer commands with ok (true, default) or leave them unanswered (false).</summary>
    public bool AnswerCommands { get; set; } = true;

    /// <summary>When set, commands are answered <c>ok: false</c> with this error.</summary>
    public string? CommandError { get; set; }

    public static async Task<TestDevice> ConnectAsync(int port, string id, bool subscribe = true, string? password = null)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var device = new TestDevice(id, client);
        var connected = await client.ConnectAsync(MqttClientOptionsFactory.Create(new MqttConnectionSettings
        {
            Host = "127.0.0.1",
            Port = port,
            ClientId = id,
            UserName = password is null ? null : id,
            Password = password,
            CleanStart = false,
            SessionExpiryInterval = 3600,
            Will = new MqttWillSettings(Topics.FromDevice(id, TopicKind.Status), WireCodec.Encode(StatusMessage.LastWill), MqttQualityOfServiceLevel.AtLeastOnce, Retain: true),
        }));
        Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);
        if (subscribe)
        {
            var subscribed = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(Topics.DeviceSubscription(id), MqttQualityOfServiceLevel.AtLeastOnce).Build());
            Assert.All(subscribed.Items, i => Assert.True((int)i.ResultCode < 0x80, i.ResultCode.ToString()));
        }

        return device;
    }

    public Task StatusAsync(bool online = true) =>
        PublishAsync(TopicKind.Status, new JsonObject { ["state"] = online ? "online" : "offline", ["reason"] = online ? null : "shutdown" }, retain: true);

    public Task ReportAsync(long desiredVersion = 0, string modelVersion = "1.0.0", string health = "healthy", string modelId = "vocoder", JsonObject? cannotApply = null) =>
        PublishAsync(TopicKind.Report, new JsonObject
        {
            ["desiredVersion"] = desiredVersion,
            ["model"] = new JsonObject { ["id"] = modelId, ["version"] = modelVersion, ["source"] = "active" },
            ["health"] = health,
            ["cannotApply"] = cannotApply,
        }, retain: true);

    public Task TelemetryAsync(double kl, double latencyP99Us = 400) =>
        PublishAsync(TopicKind.Telemetry, new JsonObject { ["window"] = 10, ["kl"] = kl, ["klThreshold"] = 0.2, ["latencyP99Us"] = latencyP99Us, ["heals"] = 0 }, qos: MqttQualityOfServiceLevel.AtMostOnce);

    public Task HealAsync(string eventId, string outcome, string diagnosis = "hardware", string modelVersion = "1.0.0") =>
        PublishAsync(TopicKind.Events, new JsonObject
        {
            ["type"] = "heal",
            ["id"] = eventId,
            ["diagnosis"] = diagnosis,
            ["trigger"] = "digest",
            ["rungs"] = new JsonArray(new JsonObject { ["rung"] = "restoreTensors", ["validation"] = outcome == "healed" ? "pass" : "fail" }),
            ["outcome"] = outcome,
            ["modelVersion"] = modelVersion,
        });

    public async Task PublishAsync(TopicKind kind, JsonObject body, bool retain = false, MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce)
    {
        body["v"] = 1;
        body["seq"] = Interlocked.Increment(ref _seq);
        body["epoch"] = Epoch;
        var result = await _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topics.FromDevice(Id, kind)).WithPayload(Encoding.UTF8.GetBytes(body.ToJsonString()))
            .WithQualityOfServiceLevel(qos).WithRetainFlag(retain).Build());
        // "No matching subscribers" is a success: the broker took it (retained messages wait for the gateway).
        Assert.True((int)result.ReasonCode < 0x80, result.ReasonCode.ToString());
    }

    public Task DisconnectAsync() => _client.DisconnectAsync(new MqttClientDisconnectOptions());

    private async ValueTask OnMessageAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        var address = Topics.Parse(message.Topic);
        if (!address.IsSuccess)
        {
            return;
        }

        if (address.Value.Kind == TopicKind.Desired)
        {
            var desired = WireCodec.DecodeDesired(message.Payload.ToArray());
            if (desired.IsSuccess)
            {
                Desired.Enqueue(desired.Value);
                DesiredReceived?.Invoke();
            }
        }
        else if (address.Value.Kind == TopicKind.Command)
        {
            var command = WireCodec.DecodeCommand(message.Payload.ToArray());
            if (!command.IsSuccess)
            {
                return;
            }

            Commands.Enqueue(command.Value);
            if (AnswerCommands && message.ResponseTopic is not null)
            {
                var answer = new JsonObject
                {
                    ["v"] = 1,
                    ["seq"] = Interlocked.Increment(ref _seq),
                    ["id"] = command.Value.Id,
                    ["ok"] = CommandError is null,
                    ["result"] = CommandError is null ? new JsonObject { ["echo"] = command.Value.Name } : null,
                    ["error"] = CommandError,
                };
                var response = new MqttApplicationMessageBuilder().WithTopic(message.ResponseTopic).WithPayload(Encoding.UTF8.GetBytes(answer.ToJsonString()))
                    .WithQualityOfServiceLevel(message.QualityOfServiceLevel);
                if (message.CorrelationData is { Length: > 0 } correlation)
                {
                    response = response.WithCorrelationData(correlation);
                }

                await _client.PublishAsync(response.Build(), cancellationToken);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptions());
        }

        _client.Dispose();
    }
}
