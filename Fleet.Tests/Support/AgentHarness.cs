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
using Fleet.Shared.Actors;
using Fleet.Shared.Mqtt;
using Fleet.Shared.Mqtt.Packets;
using Fleet.Shared.Onnx;
using Fleet.Shared.Protocol;
using Fleet.Shared.Security;
using Fleet.Tests.Device.Storage;
using Fleet.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

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
    private MqttClient _observer = null!;
    private MqttRequester _requester = null!;
    private readonly MqttClientOptions _observerMqtt;
    private Task? _serving;

    private AgentHarness(MosquittoFixture broker, ECDsa key, MqttClientOptions? deviceMqtt, MqttClientOptions? observerMqtt)
    {
        _observerMqtt = observerMqtt ?? new MqttClientOptions { Host = broker.Host, Port = broker.Port };
        Key = key;
        DeviceId = "agent-" + Guid.NewGuid().ToString("N")[..8];
        Broker = broker;
        var port = MosquittoBrokerPort();
        BaseUrl = $"http://127.0.0.1:{port}/";
        _http.Prefixes.Add(BaseUrl);
        _system = ActorSystem.Create("test-" + DeviceId);
        _uplink = new DeviceUplink(DeviceId, deviceMqtt ?? new MqttClientOptions { Host = broker.Host, Port = broker.Port },
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
    public static async Task<AgentHarness> StartAsync(MosquittoFixture broker, int soakWindows = 5, MqttClientOptions? deviceMqtt = null, MqttClientOptions? observerMqtt = null)
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

    public async Task PublishDesiredAsync(DesiredState desired) =>
        await _observer.PublishAsync(new MqttApplicationMessage(Topics.Desired(DeviceId), WireCodec.Encode(desired)) { QualityOfService = MqttQualityOfService.AtLeastOnce, Retain = true });

    public async Task<CommandResult> CommandAsync(string name, string? argsJson = null)
    {
        var request = new CommandRequest
        {
            Id = "c-" + Guid.NewGuid().ToString("N")[..6],
            Name = name,
            Args = argsJson is null ? null : System.Text.Json.JsonDocument.Parse(argsJson).RootElement.Clone(),
        };
        var response = await _requester.RequestAsync(new MqttApplicationMessage(Topics.Command(DeviceId), WireCodec.Encode(request)) { QualityOfService = MqttQualityOfService.AtLeastOnce }, Patience);
        var result = WireCodec.DecodeCommandResult(response.Payload.Span);
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
        await _observer.PublishAsync(new MqttApplicationMessage(Topics.Command(DeviceId), WireCodec.Encode(request)) { QualityOfService = MqttQualityOfService.AtLeastOnce });
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
        await _requester.DisposeAsync();
        await _observer.DisposeAsync();
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
        _observer = new MqttClient(_observerMqtt with { ClientId = "gw-" + DeviceId });
        _observer.MessageReceived = (message, _) =>
        {
            var address = Topics.Parse(message.Topic);
            if (address.IsSuccess && address.Value.Kind == TopicKind.Events && WireCodec.DecodeEvent(message.Payload.Span) is { IsSuccess: true } e)
            {
                Events.Enqueue(e.Value!);
            }
            else if (address.IsSuccess && address.Value.Kind == TopicKind.Report && WireCodec.DecodeReport(message.Payload.Span) is { IsSuccess: true } r)
            {
                LastReport = r.Value;
            }
            else if (address.IsSuccess && address.Value.Kind == TopicKind.CommandResult && WireCodec.DecodeCommandResult(message.Payload.Span) is { IsSuccess: true } c)
            {
                CommandResults[c.Value!.Id] = c.Value;
            }

            return ValueTask.CompletedTask;
        };
        await _observer.ConnectAsync();
        await _observer.SubscribeAsync($"fleet/v1/s/+/{DeviceId}/#", MqttQualityOfService.AtLeastOnce);
        _requester = await MqttRequester.CreateAsync(_observer, $"gw/responses/{DeviceId}");

        var data = Path.Combine(_dir.Path, "device");
        var sensors = new SimulatedSensors(Path.Combine(data, "sensors"));
        // Wall-clock latency on a loaded CI machine is not under test here; heat and latency have their own tests.
        var runtime = new DeviceRuntime(DeviceId, data, WatchdogOptions.Default with { LatencyRatio = 1000 }, RemediationOptions.Default, TimeProvider.System, 5, _uplink,
            Key, _client, new SysfsSensors(sensors.Root), sensors, FaultSchedule.None, FramesPerSecond: 4000, SoakWindows: soakWindows,
            TelemetryEveryWindows: 5, FactoryPackage: null, NullLogger.Instance);
        _system.ActorOf(Props.Create(() => new DeviceAgentActor(runtime)), DeviceId);
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

    private static int MosquittoBrokerPort() => Fleet.Shared.Servers.MosquittoBroker.FreeLoopbackPort();
}
