using Fleet.Tests.Infrastructure;

namespace Fleet.Tests.Servers;

public sealed class TlsMosquittoTests(TlsMosquittoFixture fixture) : IClassFixture<TlsMosquittoFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Publish_WithTrustedCa_Succeeds()
    {
        var result = await ProcessRunner.RunAsync("mosquitto_pub",
            ["-h", "localhost", "-p", fixture.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cafile", fixture.Certificates.CaFile, "-t", "tls/x", "-m", "y", "-q", "1"], Timeout);
        Assert.True(result.ExitCode == 0, result.StandardError);
    }

    [Fact]
    public async Task Publish_WithWrongCa_FailsTheHandshake()
    {
        var result = await ProcessRunner.RunAsync("mosquitto_pub",
            ["-h", "localhost", "-p", fixture.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cafile", fixture.Certificates.OtherCaFile, "-t", "tls/x", "-m", "y", "-q", "1"], Timeout);
        Assert.NotEqual(0, result.ExitCode);
    }
}

public sealed class MutualTlsMosquittoTests(MutualTlsMosquittoFixture fixture) : IClassFixture<MutualTlsMosquittoFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private string Port => fixture.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Publish_WithClientCertificate_Succeeds()
    {
        var c = fixture.Certificates;
        var result = await ProcessRunner.RunAsync("mosquitto_pub",
            ["-h", "localhost", "-p", Port, "--cafile", c.CaFile, "--cert", c.ClientCertFile, "--key", c.ClientKeyFile, "-t", "tls/x", "-m", "y", "-q", "1"], Timeout);
        Assert.True(result.ExitCode == 0, result.StandardError);
    }

    [Fact]
    public async Task Publish_WithoutClientCertificate_IsRefused()
    {
        var result = await ProcessRunner.RunAsync("mosquitto_pub",
            ["-h", "localhost", "-p", Port, "--cafile", fixture.Certificates.CaFile, "-t", "tls/x", "-m", "y", "-q", "1"], Timeout);
        Assert.NotEqual(0, result.ExitCode);
    }
}
