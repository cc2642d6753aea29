using System.Text;
using Fleet.Shared.Health;
using Fleet.Shared.Protocol;

namespace Fleet.Tests.Protocol;

/// <summary>
/// The exact bytes of each payload that carries the wire envelope (<c>v</c>, <c>seq</c>, <c>epoch</c>, <c>ts</c>):
/// recorded from the source-generated context as it stands, so moving the envelope into one base record (or any later
/// change) cannot reorder or rename it unnoticed. Note the order: envelope first, except in events, where it follows the
/// event's own members.
/// </summary>
public sealed class WireEnvelopeTests
{
    private static readonly DateTimeOffset Ts = new(2026, 11, 22, 4, 33, 26, 123, TimeSpan.Zero);

    private static string Json<T>(T message)
        where T : class => Encoding.UTF8.GetString(WireCodec.Encode(message));

    [Fact]
    public void Status_Bytes_AreUnchanged()
    {
        Assert.Equal("""{"v":1,"seq":3,"epoch":1795322120000,"ts":"2026-11-22T04:33:26.123Z","state":"online","agent":"fleet-device/1.0.0"}""", Json(new StatusMessage { Seq = 3, Epoch = 1795322120000, Ts = Ts, State = DeviceState.Online, Agent = "fleet-device/1.0.0" }));
    }

    [Fact]
    public void Report_Bytes_AreUnchanged()
    {
        Assert.Equal("""{"v":1,"seq":7,"epoch":1795322120000,"ts":"2026-11-22T04:33:26.123Z","desiredVersion":4,"health":"healthy","agent":"fleet-device/1.0.0"}""", Json(new ReportMessage { Seq = 7, Epoch = 1795322120000, Ts = Ts, DesiredVersion = 4, Health = DeviceHealth.Healthy, Agent = "fleet-device/1.0.0" }));
    }

    [Fact]
    public void Telemetry_Bytes_AreUnchanged()
    {
        Assert.Equal("""{"v":1,"seq":8,"epoch":1795322120000,"ts":"2026-11-22T04:33:26.123Z","window":10,"kl":0.01,"inferences":200}""", Json(new TelemetryMessage { Seq = 8, Epoch = 1795322120000, Ts = Ts, Window = 10, Kl = 0.01, Inferences = 200 }));
    }

    [Fact]
    public void Event_Bytes_AreUnchanged()
    {
        Assert.Equal("""{"type":"update","desiredVersion":5,"modelVersion":"1.1.0","outcome":"committed","v":1,"seq":9,"epoch":1795322120000,"ts":"2026-11-22T04:33:26.123Z"}""", Json<DeviceEvent>(new UpdateEvent { Seq = 9, Epoch = 1795322120000, Ts = Ts, DesiredVersion = 5, ModelVersion = "1.1.0", Outcome = UpdateOutcome.Committed }));
    }
}
