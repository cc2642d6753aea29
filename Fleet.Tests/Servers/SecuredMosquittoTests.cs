using Fleet.Tests.Infrastructure;

namespace Fleet.Tests.Servers;

public sealed class SecuredMosquittoTests(SecuredMosquittoFixture fixture) : IClassFixture<SecuredMosquittoFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private string Port => fixture.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Connect_WithoutCredentials_IsRefused()
    {
        var result = await ProcessRunner.RunAsync("mosquitto_pub", ["-h", "127.0.0.1", "-p", Port, "-t", "x", "-m", "y"], Timeout);
        Assert.NotEqual(0, result.ExitCode);
    }

    [Fact]
    public async Task Device_CanPublishOnlyUnderItsOwnTopics()
    {
        var own = $"fleet/v1/s/3/{SecuredMosquittoFixture.DeviceUser}/events";
        var foreign = "fleet/v1/s/3/device-2/events";
        var sub = ProcessRunner.RunAsync("mosquitto_sub",
            ["-h", "127.0.0.1", "-p", Port, "-u", SecuredMosquittoFixture.AdminUser, "-P", SecuredMosquittoFixture.AdminPassword,
             "-t", "fleet/v1/s/#", "-v", "-C", "1", "-W", "15"], Timeout);
        var device = new[] { "-h", "127.0.0.1", "-p", Port, "-u", SecuredMosquittoFixture.DeviceUser, "-P", SecuredMosquittoFixture.DevicePassword, "-q", "1" };

        // The forbidden publish is acknowledged but dropped, so the first message seen must be the allowed one.
        while (!sub.IsCompleted)
        {
            await ProcessRunner.RunAsync("mosquitto_pub", [.. device, "-t", foreign, "-m", "forged"], Timeout);
            await ProcessRunner.RunAsync("mosquitto_pub", [.. device, "-t", own, "-m", "mine"], Timeout);
            await Task.WhenAny(sub, Task.Delay(100));
        }

        Assert.Equal($"{own} mine", (await sub).StandardOutput.Trim());
    }
}
