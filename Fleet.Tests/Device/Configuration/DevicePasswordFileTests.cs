using Fleet.Device.Configuration;

namespace Fleet.Tests.Device.Configuration;

/// <summary><c>--password-file</c>: each device logs in as its own id with its own password; a bad file is a clear error.</summary>
public sealed class DevicePasswordFileTests : IDisposable
{
    private readonly string _path = Path.GetTempFileName();

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void EachDevice_LogsInAsItsIdWithItsPassword_AndAMissingOneIsNamed()
    {
        File.WriteAllText(_path, "# demo\nsim-001:pw:with:colons\n\nsim-002:other\n");
        var (passwords, problem) = DevicePasswordFile.Read(_path);
        Assert.Null(problem);
        var options = new DeviceOptions { Simulate = 3 };
        var first = DevicePasswordFile.For(options, passwords, "sim-001").Options!;
        Assert.Equal(("sim-001", "pw:with:colons"), (first.Username, first.Password));
        Assert.Equal("other", DevicePasswordFile.For(options, passwords, "sim-002").Options!.Password);
        Assert.Contains("no password for sim-003", DevicePasswordFile.For(options, passwords, "sim-003").Problem, StringComparison.Ordinal);
        Assert.Same(options, DevicePasswordFile.For(options, null, "sim-003").Options);
    }

    [Fact]
    public void MalformedLine_IsRefusedWithItsNumber()
    {
        File.WriteAllText(_path, "sim-001:pw\njust-an-id\n");
        Assert.Contains("line 2: expected deviceId:password", DevicePasswordFile.Read(_path).Problem, StringComparison.Ordinal);
        Assert.Contains("--password-file", DevicePasswordFile.Read(_path + ".absent").Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Loader_TakesThePasswordFile_FromTheCommandLineAndTheEnvironment()
    {
        File.WriteAllText(_path, "d-1:pw\n");
        Assert.Equal(_path, DeviceOptionsLoader.Load(["--device-id", "d-1", "--password-file", _path], _ => null).Options!.PasswordFile);
        Assert.Equal(_path, DeviceOptionsLoader.Load(["--device-id", "d-1"], v => v == "FLEET_DEVICE_PASSWORD_FILE" ? _path : null).Options!.PasswordFile);
        Assert.Contains("--password-file: file '/absent' does not exist", DeviceOptionsLoader.Load(["--device-id", "d-1", "--password-file", "/absent"], _ => null).Problem, StringComparison.Ordinal);
    }
}
