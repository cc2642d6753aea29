using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Fleet.Device.Hardware;
using Fleet.Device.Healing;
using Fleet.Device.Agent;
using Fleet.Device.Core;
using Fleet.Device.Inference;
using Fleet.Device.Monitoring;
using Fleet.Device.Simulation;
using Fleet.Device.Uplink;
using Fleet.Device.Uplink.Queue;
using Akka.Actor;
using Fleet.Shared.Messaging;
using Fleet.Shared.Onnx;
using Fleet.Shared.Protocol;
using Fleet.Shared.Security;
using Fleet.Tests.Device.Storage;
using Fleet.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Protocol;

namespace Fleet.Tests.Device.Hosting;

/// <summary>
/// One simulated device agent (actors, real ORT, real store) against a real Mosquitto, a gateway-side observer
/// client, and a loopback HTTP server that serves model packages.
/// </summary>
internal sealed class AgentHarness : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _dir = new();
    private readonly HttpListener _http = new();
    private readonly ConcurrentDictionary<string, byte[]> _files = new();
    private readonly ActorSystem _system;
    private readonly DeviceUplink _uplink;
    private readonly HttpClient _client = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<MqttApplicationMessage>> _pending = new();
    private readonly IMqttClient _observer = new MqttClientFactory().CreateMqttClient();
    private readonly MqttConnectionSettings _observerMqtt;
    private Task? _serving;

    private AgentHarness(MosquittoFixture broker, ECDsa key, MqttConnectionSettings? deviceMqtt, MqttConnectionSettings? observerMqtt)
    {
        DeviceId = "agent-" + Guid.NewGuid().ToString("N")[..8];
        _observerMqtt = (observerMqtt ?? Plain(broker, "gw")) with { ClientId = "gw-" + DeviceId };
        Key = key;
        Broker = broker;
        var port = MosquittoBrokerPort();
        BaseUrl = $"http://127.0.0.1:{port}/";
        _http.Prefixes.Add(BaseUrl);
        _system = AgentActorSystem.Create("test-" + DeviceId);
        _uplink = new DeviceUplink(DeviceId, deviceMqtt ?? Plain(broker, DeviceId),
            DiskEventQueue.Open(Path.Combine(_dir.Path, "queue")), SequenceSource.Open(Path.Combine(_dir.Path, "seq"), TimeProvider.System),
            TimeProvider.System, NullLogger.Instance, "fleet-device/test");
    }

    public string DeviceId { get; }

    public ECDsa Key { get; }

    public MosquittoFixture Broker { get; }

    public string BaseUrl { get; }

    public ConcurrentQueue<DeviceEvent> Events { get; } = new();

    public ReportMessage? LastReport { get; private set; }

    /// <summary>Answers that arrived on <c>…/cmd-result</c> (devices on MQTT 3.1.1), by command id.</summary>
    public ConcurrentDictionary<string, CommandResult> CommandResults { get; } = new();

    /// <param name="deviceMqtt">The agent's connection (default: plain MQTT 5 to <paramref name="broker"/>).</param>
    /// <param name="observerMqtt">The gateway-side observer's connection (default: plain MQTT 5).</param>
    public static async Task<AgentHarness> StartAsync(MosquittoFixture broker, int soakWindows = 5, MqttConnectionSettings? deviceMqtt = null, MqttConnectionSettings? observerMqtt = null)
    {
        OnnxRuntime.Initialize();
        // Training the reference models takes seconds on a loaded machine; not part of any wait below.
        _ = Fleet.Shared.Models.ReferenceModels.Build();
        var harness = new AgentHarness(broker, FleetKey.Create(), deviceMqtt, observerMqtt);
        await harness.StartAsync(soakWindows);
        return harness;
    }

    public string Serve(string name, byte[] bytes)
    {
        _files[name] = bytes;
        return BaseUrl + name;
    }

    public DeviceUplink Uplink => _uplink;

    public static MqttConnectionSettings Plain(MosquittoFixture broker, string clientId) => new() { Host = broker.Host, Port = broker.Port, ClientId = clientId, Timeout = TimeSpan.FromSeconds(5) };

    public async Task PublishDesiredAsync(DesiredState desired) =>
        await _observer.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topics.Desired(DeviceId)).WithPayload(WireCodec.Encode(desired))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag().Build());

    public async Task<CommandResult> CommandAsync(string name, string? argsJson = null)
    {
        var request = new CommandRequest
        {
            Id = "c-" + Guid.NewGuid().ToString("N")[..6],
            Name = name,
            Args = argsJson is null ? null : System.Text.Json.JsonDocument.Parse(argsJson).RootElement.Clone(),
        };
        var correlation = Guid.NewGuid().ToString("N");
        var answered = new TaskCompletionSource<MqttApplicationMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[correlation] = answered;
        await _observer.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topics.Command(DeviceId)).WithPayload(WireCodec.Encode(request))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithResponseTopic(ResponseTopic).WithCorrelationData(System.Text.Encoding.UTF8.GetBytes(correlation)).Build());
        var response = await answered.Task.WaitAsync(Patience);
        var result = WireCodec.DecodeCommandResult(response.Payload.ToArray());
        Assert.True(result.IsSuccess, result.Error?.ToString());
        Assert.Equal(request.Id, result.Value!.Id);
        return result.Value;
    }

    /// <summary>A command without a response topic, as a gateway sends to an MQTT 3.1.1 device; answered on <c>…/cmd-result</c> by id.</summary>
    public async Task<CommandResult> CommandByIdAsync(string name, string? argsJson = null)
    {
        var request = new CommandRequest
        {
            Id = "c-" + Guid.NewGuid().ToString("N")[..6],
            Name = name,
            Args = argsJson is null ? null : System.Text.Json.JsonDocument.Parse(argsJson).RootElement.Clone(),
        };
        await _observer.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topics.Command(DeviceId)).WithPayload(WireCodec.Encode(request))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        await WaitAsync(() => CommandResults.ContainsKey(request.Id), $"the answer to {request.Id} on cmd-result");
        return CommandResults[request.Id];
    }

    public async Task<T> WaitForEventAsync<T>(Func<T, bool> match)
        where T : DeviceEvent
    {
        await WaitAsync(() => Events.OfType<T>().Any(match), $"a {typeof(T).Name}");
        return Events.OfType<T>().First(match);
    }

    public async Task WaitAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _system.Terminate();
        await _uplink.DisposeAsync();
        if (_observer.IsConnected)
        {
            await _observer.DisconnectAsync(new MqttClientDisconnectOptions());
        }

        _observer.Dispose();
        // Close alone: after Stop, the managed HttpListener's Close re-binds the port to "remove" its prefix, which
        // fails with "address already in use" when another process took the port in between.
        _http.Close();
        if (_serving is not null)
        {
            await _serving.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        _client.Dispose();
        _dir.Dispose();
    }

    private async Task StartAsync(int soakWindows)
    {
        _http.Start();
        _serving = Task.Run(ServeAsync);
        _observer.ApplicationMessageReceivedAsync += e =>
        {
            var message = e.ApplicationMessage;
            var payload = message.Payload.ToArray();
            if (message.Topic == ResponseTopic)
            {
                var key = message.CorrelationData is { } correlation ? System.Text.Encoding.UTF8.GetString(correlation) : "";
                if (_pending.TryRemove(key, out var waiter))
                {
                    waiter.TrySetResult(new MqttApplicationMessage { Topic = message.Topic, Payload = new System.Buffers.ReadOnlySequence<byte>(payload) });
                }

                return Task.CompletedTask;
            }

            var address = Topics.Parse(message.Topic);
            if (address.IsSuccess && address.Value.Kind == TopicKind.Events && WireCodec.DecodeEvent(payload) is { IsSuccess: true } ev)
            {
                Events.Enqueue(ev.Value!);
            }
            else if (address.IsSuccess && address.Value.Kind == TopicKind.Report && WireCodec.DecodeReport(payload) is { IsSuccess: true } r)
            {
                LastReport = r.Value;
            }
            else if (address.IsSuccess && address.Value.Kind == TopicKind.CommandResult && WireCodec.DecodeCommandResult(payload) is { IsSuccess: true } c)
            {
                CommandResults[c.Value!.Id] = c.Value;
            }

            return Task.CompletedTask;
        };
        var connected = await _observer.ConnectAsync(MqttClientOptionsFactory.Create(_observerMqtt));
        Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);
        await _observer.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter($"fleet/v1/s/+/{DeviceId}/#", MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(ResponseTopic, MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());

        var data = Path.Combine(_dir.Path, "device");
        var sensors = new SimulatedSensors(Path.Combine(data, "sensors"));
        // Wall-clock latency on a loaded CI machine is not under test here; heat and latency have their own tests.
        var runtime = new DeviceRuntime(DeviceId, data, WatchdogOptions.Default with { LatencyRatio = 1000 }, RemediationOptions.Default, TimeProvider.System, 5, _uplink,
            Key, _client, new SysfsSensors(sensors.Root), sensors, FaultSchedule.None, FramesPerSecond: 4000, SoakWindows: soakWindows,
            TelemetryEveryWindows: 5, FactoryPackage: null, NullLogger.Instance);
        _system.ActorOf(DeviceAgentActor.Props(runtime), DeviceId);
        _uplink.Start();
        await WaitAsync(() => LastReport is not null, "the first report");
    }

    private async Task ServeAsync()
    {
        while (_http.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _http.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var name = context.Request.Url!.AbsolutePath.TrimStart('/');
            if (_files.TryGetValue(name, out var bytes))
            {
                context.Response.ContentLength64 = bytes.Length;
                await context.Response.OutputStream.WriteAsync(bytes);
            }
            else
            {
                context.Response.StatusCode = 404;
            }

            context.Response.Close();
        }
    }

    private string ResponseTopic => $"gw/responses/{DeviceId}";

    private static int MosquittoBrokerPort() => Fleet.Shared.Servers.MosquittoBroker.FreeLoopbackPort();
}
