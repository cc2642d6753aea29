using System.Text.Json;
using Fleet.Cli.Demo;

namespace Fleet.Tests.Cli.Demo;

/// <summary>A fleet-wide rollback is told in the demo's story, not left to show only as changing model counts.</summary>
public sealed class DemoIncidentsTests
{
    [Fact]
    public void Incident_WithARollback_SaysWhatWasSeenWhereAndWhatTheSupervisorDid()
    {
        var incident = JsonDocument.Parse("""
            {"id":"inc-1","raised":"2026-12-06T06:54:04Z","diagnosis":"hardware","modelId":"vocoder","modelVersion":"1.0.2","devices":11,
             "devicesOnVersion":50,"share":0.22,"action":"rollback","rollbackTo":"1.0.0","rolledBackDevices":50}
            """).RootElement;

        Assert.Equal("fleet incident: hardware heals on 11 of the 50 devices on vocoder 1.0.2 (22%); the supervisor's action: rollback: 50 device(s) sent back to 1.0.0",
            DemoIncidents.Format(incident).Replace("22 %", "22%", StringComparison.Ordinal));
    }

    [Fact]
    public void Incident_WithoutARollback_SaysWhyNot()
    {
        var incident = JsonDocument.Parse("""
            {"id":"inc-2","raised":"2026-12-06T06:44:19Z","diagnosis":"compute","modelId":"vocoder","modelVersion":"1.0.0","devices":13,
             "devicesOnVersion":50,"share":0.26,"action":"rollback impossible: no signed parent version in the registry","rollbackTo":null,"rolledBackDevices":0}
            """).RootElement;

        Assert.EndsWith("the supervisor's action: rollback impossible: no signed parent version in the registry", DemoIncidents.Format(incident), StringComparison.Ordinal);
    }
}
