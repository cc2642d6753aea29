using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Cli.Rollouts;
using Fleet.Tests.Cli;
using Fleet.Tests.Gateway.Infrastructure;

namespace Fleet.Tests.Gateway.Rollouts;

/// <summary><c>fleet rollouts</c> against a real gateway with protocol-speaking test devices.</summary>
public sealed class RolloutCliTests(RolloutGatewayFixture gateway) : IClassFixture<RolloutGatewayFixture>, IAsyncLifetime
{
    private readonly List<RolloutTestDevice> _devices = [];

    private string[] Connection(string? token = null) => ["--url", gateway.Node.BaseAddress.ToString(), "--token", token ?? gateway.Node.OperatorToken];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var device in _devices)
        {
            await device.DisposeAsync();
        }
    }

    [Fact]
    public async Task StartWatch_FollowsTheWavesToCompleted_ThenStatusAndPauseReadAsTablesJsonAndOneLineErrors()
    {
        const string model = "cli-model";
        await gateway.PushModelAsync(model, "1.0.0");
        await gateway.PushModelAsync(model, "1.1.0");
        for (var i = 0; i < 3; i++)
        {
            _devices.Add(await RolloutTestDevice.StartAsync(gateway.Port, $"cli-ro-{i}", "1.0.0"));
        }

        foreach (var device in _devices)
        {
            await Eventually.TrueAsync(async () =>
            {
                var response = await gateway.Reader.GetAsync($"/api/v1/devices/{device.Id}");
                return response.IsSuccessStatusCode
                    && (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("device").GetProperty("modelVersion").GetString() == "1.0.0";
            }, $"{device.Id} registered");
        }

        var start = await CliRunner.RunAsync(["rollouts", "start", model, "1.1.0", "--canary", "1", "--growth", "2", "--soak", "0.2s", "--max-concurrent", "1", "--watch", .. Connection()]);
        Assert.True(start.ExitCode == 0, start.Output + start.Error);
        Assert.Contains("completed", start.Output, StringComparison.Ordinal);
        Assert.Contains("0 (canary)", start.Output, StringComparison.Ordinal);
        Assert.Contains("passed", start.Output, StringComparison.Ordinal);

        var list = await CliRunner.RunAsync(["rollouts", "status", "--json", .. Connection(gateway.Node.ReaderToken)]);
        var id = JsonDocument.Parse(list.Output).RootElement.GetProperty("items")[0].GetProperty("id").GetString()!;
        var status = await CliRunner.RunAsync(["rollouts", "status", id, .. Connection(gateway.Node.ReaderToken)]);
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("3/3 committed", status.Output, StringComparison.Ordinal);
        Assert.Contains("0 (canary)", status.Output, StringComparison.Ordinal);

        var pause = await CliRunner.RunAsync(["rollouts", "pause", id, "--reason", "too late", .. Connection()]);
        Assert.Equal(1, pause.ExitCode);
        Assert.Single(pause.Error.Trim().Split('\n'));
        Assert.Contains("has ended", pause.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("10m", 600)]
    [InlineData("1h", 3600)]
    [InlineData("45", 45)]
    [InlineData("00:02:00", 120)]
    public void SoakDurations_ReadAsSeconds(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), RolloutStartCommand.ParseDuration(text));
}
