using Fleet.Cli.Connection;

namespace Fleet.Tests.Cli;

public sealed class CliSettingsTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "fleet-home-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _cwd = Path.Combine(Path.GetTempPath(), "fleet-cwd-" + Guid.NewGuid().ToString("N")[..8]);

    public CliSettingsTests()
    {
        Directory.CreateDirectory(_home);
        Directory.CreateDirectory(_cwd);
    }

    [Fact]
    public void Resolve_PrefersFlags_ThenEnvironment_ThenConfig_ThenDemoCredentials()
    {
        Directory.CreateDirectory(Path.Combine(_cwd, "data", "demo"));
        File.WriteAllText(Path.Combine(_cwd, "data", "demo", "credentials"), "# tokens\noperator=flt_demo\nreader=flt_r\n");
        Assert.Equal(("http://127.0.0.1:5080/", "flt_demo"), Resolve(null, null, []));

        Directory.CreateDirectory(Path.Combine(_home, ".config", "fleet"));
        File.WriteAllText(Path.Combine(_home, ".config", "fleet", "config.json"), """{"url":"http://gw:1","token":"flt_file"}""");
        Assert.Equal(("http://gw:1/", "flt_file"), Resolve(null, null, []));

        var env = new Dictionary<string, string> { ["FLEET_URL"] = "http://gw:2", ["FLEET_TOKEN"] = "flt_env" };
        Assert.Equal(("http://gw:2/", "flt_env"), Resolve(null, null, env));
        Assert.Equal(("http://gw:3/", "flt_flag"), Resolve("http://gw:3", "flt_flag", env));
    }

    [Fact]
    public void Resolve_RejectsANonHttpUrl() =>
        Assert.Throws<CliException>(() => Resolve("ftp://gw", null, []));

    private (string, string?) Resolve(string? url, string? token, Dictionary<string, string> env)
    {
        var settings = CliSettings.Resolve(url, token, name => env.GetValueOrDefault(name), _home, _cwd);
        return (settings.Url.ToString(), settings.Token);
    }

    public void Dispose()
    {
        Directory.Delete(_home, recursive: true);
        Directory.Delete(_cwd, recursive: true);
    }
}
