using System.Diagnostics;
using System.Globalization;
using Fleet.Device.Uplink;
using Fleet.Device.Uplink.Queue;
using Fleet.Shared.Messaging;
using Fleet.Shared.Protocol;
using Fleet.Tests.Device.Storage;
using Fleet.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Fleet.Tests.Device.Uplink;

/// <summary>
/// A real device uplink behind a TCP proxy that cuts the link at random moments while 10,000 QoS 1 events flow:
/// nothing is lost (at-least-once is the uplink's queue and reconnect loop, not MQTTnet's), and the
/// republications after a cut are duplicates the gateway's (epoch, seq) rule absorbs.
/// </summary>
public sealed class UplinkLinkCutSoakTests(MosquittoFixture broker, ITestOutputHelper output) : IClassFixture<MosquittoFixture>, IDisposable
{
    private const int Count = 10_000;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task RandomLinkCuts_While10000EventsFlow_LoseNothing_AndDuplicatesAreAbsorbed()
    {
        var id = "soak-" + Guid.NewGuid().ToString("N")[..8];
        await using var proxy = new TcpProxy(broker.Port);
        await using var gateway = await EventSubscriber.StartAsync(broker.Host, broker.Port, id);
        var uplink = new DeviceUplink(id, new MqttConnectionSettings { Host = "127.0.0.1", Port = proxy.Port, ClientId = id, Timeout = TimeSpan.FromSeconds(2) },
            DiskEventQueue.Open(Path.Combine(_dir.Path, "queue")), SequenceSource.Open(Path.Combine(_dir.Path, "seq"), TimeProvider.System),
            TimeProvider.System, NullLogger.Instance, "fleet-device/soak");
        await using (uplink)
        {
            uplink.Start();
            using var stopChaos = new CancellationTokenSource();
            var chaos = Task.Run(async () =>
            {
                var random = new Random(11);
                while (!stopChaos.IsCancellationRequested)
                {
                    try
                    {
                        await Task.Delay(random.Next(100, 600), stopChaos.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }

                    proxy.CutAll();
                }
            });

            var clock = Stopwatch.StartNew();
            var writes = new Task[Count];
            for (var i = 0; i < Count; i++)
            {
                writes[i] = uplink.EnqueueAsync(new HealEvent { Id = i.ToString(CultureInfo.InvariantCulture), Diagnosis = Fleet.Shared.Health.Diagnosis.Hardware, Outcome = HealOutcome.Healed }, CancellationToken.None).AsTask();
            }

            await Task.WhenAll(writes);
            await gateway.WaitAsync(() => gateway.Events.Count >= Count, TimeSpan.FromMinutes(4), $"{Count} distinct events");
            clock.Stop();
            await stopChaos.CancelAsync();
            await chaos;

            Assert.True(proxy.Cuts >= 5, $"only {proxy.Cuts} cuts: the soak did not exercise reconnects");
            Assert.True(uplink.Connections > 5, $"only {uplink.Connections} connections");
            Assert.Equal(Enumerable.Range(0, Count).Select(i => i.ToString(CultureInfo.InvariantCulture)), gateway.Events.Select(e => ((HealEvent)e).Id));
            Assert.Equal(0, uplink.Dropped);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Count} events, {proxy.Cuts} cuts, {uplink.Connections} connections, {gateway.Duplicates} duplicates absorbed, {clock.Elapsed.TotalSeconds:F1} s"));
        }
    }
}
