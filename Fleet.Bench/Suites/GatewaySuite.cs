using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fleet.Gateway.Broker;
using Fleet.Gateway.Hosting;
using Fleet.Gateway.Twins;
using Akka.Actor;
using Fleet.Shared.Messaging;
using Fleet.Shared.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Protocol;
using Fleet.Gateway.Store;
using Fleet.Gateway;

namespace Fleet.Bench.Suites;

/// <summary>
/// The gateway end to end: telemetry into twins vs mosquitto_sub on the same stream in the same run, per-shard
/// sessions vs one session carrying every shard, device publish → visible in the API, and memory per idle twin.
/// </summary>
/// <remarks>
/// <para>ingest: N simulated devices (their status first, so every twin exists), then M QoS 0 telemetry messages
/// from 4 publisher connections. The gateway's rate is M over the time until its twins counted M; mosquitto_sub
/// subscribed to the same topics counts M in the same run (<c>-C M</c>), and the ratio divides the two rates.
/// The same is then measured on a gateway with one shard (one session carries the whole fleet: the multiplexed
/// design) for the connection-per-shard decision.</para>
/// <para>e2e: a device publishes a report (QoS 1); the time until <c>GET /api/v1/devices/{id}</c> shows its seq.</para>
/// <para>idle twins: twins of never-seen devices started through the region (each answers once), bytes are the
/// GC.GetTotalMemory(true) delta over the count, region bookkeeping included.</para>
/// </remarks>
internal sealed class GatewaySuite : IBenchSuite
{
    public string Name => "gateway";

    public string Description => "gateway ingest vs mosquitto_sub, per-shard vs one session, e2e publish→API latency, bytes per idle twin";

    public async Task<BenchResult> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var result = new BenchResult();
        var devices = context.Scaled(2_000, 200);
        var messages = context.Scaled(200_000, 20_000);

        await using (var gateway = await BenchGateway.StartAsync(context.ScratchDirectory, "sharded", 64))
        {
            context.Progress.WriteLine($"ingest: {devices} devices, {messages} telemetry messages, 64 shard sessions, mosquitto_sub alongside");
            var (gatewayRate, subRate) = await MeasureIngestAsync(gateway, devices, messages, withSub: true, cancellationToken);
            result.Add("ingest_devices", devices)
                .Add("ingest_messages", messages)
                .Add("ingest_msgs_per_s", gatewayRate)
                .Add("mosquitto_sub_msgs_per_s", subRate)
                .Add("ingest_ratio_vs_mosquitto_sub", gatewayRate / subRate);

            var samples = context.Scaled(300, 30);
            context.Progress.WriteLine($"e2e: {samples} reports, publish → visible in the API");
            var latencies = await MeasureEndToEndAsync(gateway, samples, cancellationToken);
            result.Add("e2e_latency_p50_ms", Percentile(latencies, 0.50))
                .Add("e2e_latency_p99_ms", Percentile(latencies, 0.99));

            var twins = context.Scaled(1_000_000, 50_000);
            context.Progress.WriteLine($"idle twins: {twins}");
            var (bytes, loaded, seconds) = await MeasureIdleTwinsAsync(gateway, twins, cancellationToken);
            result.Add("twins_loaded", loaded)
                .Add("bytes_per_idle_twin", bytes)
                .Add("idle_twins_start_seconds", seconds);
        }

        await using (var single = await BenchGateway.StartAsync(context.ScratchDirectory, "single", 1))
        {
            context.Progress.WriteLine($"ingest with one session for the whole fleet: {devices} devices, {messages} messages");
            var (rate, subRate) = await MeasureIngestAsync(single, devices, messages, withSub: true, cancellationToken);
            result.Add("ingest_one_session_msgs_per_s", rate)
                .Add("ingest_one_session_ratio_vs_mosquitto_sub", rate / subRate);
        }

        return result;
    }

    private static async Task<(double Gateway, double Sub)> MeasureIngestAsync(BenchGateway gateway, int deviceCount, int messages, bool withSub, CancellationToken cancellationToken)
    {
        var ids = Enumerable.Range(0, deviceCount).Select(i => string.Create(CultureInfo.InvariantCulture, $"bench-{gateway.Label}-{i}")).ToArray();
        var publishers = new List<IMqttClient>();
        for (var p = 0; p < 4; p++)
        {
            publishers.Add(await ConnectAsync(gateway.BrokerPort, $"bench-pub-{gateway.Label}-{p}", cancellationToken));
        }

        try
        {
            var status = WireCodec.Encode(new StatusMessage { State = DeviceState.Online, Seq = 1 });
            // One status in flight per publisher at a time: MQTTnet does not keep to the broker's Receive Maximum.
            await Task.WhenAll(Enumerable.Range(0, 4).Select(async p =>
            {
                for (var i = p; i < ids.Length; i += 4)
                {
                    await publishers[p].PublishAsync(Message(Topics.FromDevice(ids[i], TopicKind.Status, gateway.ShardCount), status, MqttQualityOfServiceLevel.AtLeastOnce), cancellationToken);
                }
            }));
            await WaitAsync(() => gateway.Runtime.Counters.Loaded >= deviceCount, TimeSpan.FromMinutes(2), "twins for every device");

            Process? sub = null;
            if (withSub)
            {
                var start = new ProcessStartInfo("mosquitto_sub") { RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var a in new[] { "-h", "127.0.0.1", "-p", gateway.BrokerPort.ToString(CultureInfo.InvariantCulture), "-t", "fleet/v1/s/+/+/telemetry", "-C", messages.ToString(CultureInfo.InvariantCulture), "-q", "0" })
                {
                    start.ArgumentList.Add(a);
                }

                sub = Process.Start(start)!;
                _ = sub.StandardOutput.BaseStream.CopyToAsync(Stream.Null, cancellationToken);
                await Task.Delay(1000, cancellationToken);
            }

            var payloads = ids.Select(id => Topics.FromDevice(id, TopicKind.Telemetry, gateway.ShardCount)).ToArray();
            var before = gateway.Runtime.Counters.Telemetry.Value;
            var clock = Stopwatch.StartNew();
            var subDone = sub is null ? Task.CompletedTask : sub.WaitForExitAsync(cancellationToken);
            double subSeconds = 0;
            var subTimed = subDone.ContinueWith(_ => subSeconds = clock.Elapsed.TotalSeconds, TaskScheduler.Default);
            await Task.WhenAll(Enumerable.Range(0, 4).Select(async p =>
            {
                for (var m = p; m < messages; m += 4)
                {
                    var device = m % deviceCount;
                    var body = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $$"""{"v":1,"seq":{{2 + (m / deviceCount)}},"kl":0.01,"latencyP99Us":400}"""));
                    await publishers[p].PublishAsync(Message(payloads[device], body, MqttQualityOfServiceLevel.AtMostOnce), cancellationToken);
                }
            }));
            await WaitAsync(() => gateway.Runtime.Counters.Telemetry.Value - before >= messages, TimeSpan.FromMinutes(5), "the twins to count every message");
            var gatewaySeconds = clock.Elapsed.TotalSeconds;
            if (sub is not null)
            {
                using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
                await subTimed.WaitAsync(limit.Token);
                sub.Dispose();
            }

            return (messages / gatewaySeconds, sub is null ? 0 : messages / subSeconds);
        }
        finally
        {
            foreach (var client in publishers)
            {
                await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None);
                client.Dispose();
            }
        }
    }

    private static async Task<IMqttClient> ConnectAsync(int port, string clientId, CancellationToken cancellationToken)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var connected = await client.ConnectAsync(MqttClientOptionsFactory.Create(new MqttConnectionSettings { Host = "127.0.0.1", Port = port, ClientId = clientId }), cancellationToken);
        if (connected.ResultCode != MqttClientConnectResultCode.Success)
        {
            client.Dispose();
            throw new InvalidOperationException($"the bench broker refused {clientId}: {connected.ResultCode}");
        }

        return client;
    }

    private static MqttApplicationMessage Message(string topic, byte[] payload, MqttQualityOfServiceLevel qos, bool retain = false) =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(qos).WithRetainFlag(retain).Build();

    private static async Task<List<double>> MeasureEndToEndAsync(BenchGateway gateway, int samples, CancellationToken cancellationToken)
    {
        const string id = "bench-e2e";
        using var device = await ConnectAsync(gateway.BrokerPort, id, cancellationToken);
        using var http = new HttpClient { BaseAddress = gateway.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", gateway.ReaderToken);
        var latencies = new List<double>(samples);
        for (var seq = 1; seq <= samples; seq++)
        {
            var body = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $$$"""{"v":1,"seq":{{{seq}}},"health":"healthy","model":{"id":"m","version":"1.0.0","source":"active"}}"""));
            var clock = Stopwatch.StartNew();
            await device.PublishAsync(Message(Topics.FromDevice(id, TopicKind.Report), body, MqttQualityOfServiceLevel.AtLeastOnce, retain: true), cancellationToken);
            while (true)
            {
                var response = await http.GetAsync($"/api/v1/devices/{id}", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    var detail = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
                    if (detail.GetProperty("twin").GetProperty("reported") is { ValueKind: JsonValueKind.Object } reported && reported.GetProperty("seq").GetInt64() == seq)
                    {
                        break;
                    }
                }

                if (clock.Elapsed > TimeSpan.FromSeconds(30))
                {
                    throw new TimeoutException("a report never became visible in the API");
                }
            }

            latencies.Add(clock.Elapsed.TotalMilliseconds);
        }

        return latencies;
    }

    private static async Task<(double Bytes, long Loaded, double Seconds)> MeasureIdleTwinsAsync(BenchGateway gateway, int count, CancellationToken cancellationToken)
    {
        var loadedBefore = gateway.Runtime.Counters.Loaded;
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var clock = Stopwatch.StartNew();
        const int batch = 10_000;
        for (var start = 0; start < count; start += batch)
        {
            var replies = new List<Task<TwinSnapshot>>(batch);
            for (var i = start; i < Math.Min(count, start + batch); i++)
            {
                replies.Add(gateway.Runtime.Devices.Ask<TwinSnapshot>(new GetTwin(string.Create(CultureInfo.InvariantCulture, $"idle-{i}")), TimeSpan.FromMinutes(5), cancellationToken));
            }

            await Task.WhenAll(replies).WaitAsync(TimeSpan.FromMinutes(5), cancellationToken);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var loaded = gateway.Runtime.Counters.Loaded;
        return ((after - before) / (double)(loaded - loadedBefore), loaded, seconds);
    }

    private static async Task WaitAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException("timed out waiting for " + what);
            }

            await Task.Delay(5);
        }
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }

    /// <summary>A gateway in this process (Kestrel on a free port, managed Mosquitto, SQLite in scratch).</summary>
    private sealed class BenchGateway : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private BenchGateway(WebApplication app, string label, int shardCount)
        {
            _app = app;
            Label = label;
            ShardCount = shardCount;
            Runtime = app.Services.GetRequiredService<FleetRuntime>();
            BrokerPort = app.Services.GetRequiredService<EmbeddedBroker>().Port;
            BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        }

        public string Label { get; }

        public int ShardCount { get; }

        public FleetRuntime Runtime { get; }

        public int BrokerPort { get; }

        public Uri BaseAddress { get; }

        public string ReaderToken { get; private set; } = "";

        public static async Task<BenchGateway> StartAsync(string scratch, string label, int shardCount)
        {
            var data = Path.Combine(scratch, label);
            var (app, problems) = GatewayApp.Create(["--urls", "http://127.0.0.1:0", "--Fleet:DataDirectory", data, "--Fleet:ShardCount", shardCount.ToString(CultureInfo.InvariantCulture), "--Logging:LogLevel:Default", "Warning"]);
            if (app is null)
            {
                throw new InvalidOperationException(string.Join("; ", problems));
            }

            await app.StartAsync();
            var gateway = new BenchGateway(app, label, shardCount);
            var reader = File.ReadLines(Path.Combine(data, "credentials")).First(l => l.StartsWith("reader=", StringComparison.Ordinal));
            gateway.ReaderToken = reader["reader=".Length..];
            return gateway;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
