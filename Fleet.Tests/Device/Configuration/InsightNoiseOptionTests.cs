using Fleet.Device.Configuration;

namespace Fleet.Tests.Device.Configuration;

public sealed class InsightNoiseOptionTests
{
    [Fact]
    public void InsightNoise_IsOffByDefault_AndSetFromTheCommandLine()
    {
        var (plain, _) = DeviceOptionsLoader.Load(["--device-id", "d1"], _ => null);
        var (noisy, problem) = DeviceOptionsLoader.Load(["--device-id", "d1", "--insight-noise", "laplace:2"], _ => null);

        Assert.Null(plain!.InsightNoise);
        Assert.Null(problem);
        Assert.Equal("laplace:2", noisy!.InsightNoise);
    }

    [Fact]
    public void InsightNoise_OfAnUnknownMechanism_IsRefusedWithTheReason()
    {
        var (options, problem) = DeviceOptionsLoader.Load(["--device-id", "d1", "--insight-noise", "uniform:2"], _ => null);

        Assert.Null(options);
        Assert.Contains("laplace:SCALE", problem, StringComparison.Ordinal);
    }
}
