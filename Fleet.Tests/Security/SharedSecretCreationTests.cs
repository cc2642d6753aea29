using Fleet.Shared.Security;
using Fleet.Tests.Device.Storage;

namespace Fleet.Tests.Security;

/// <summary>
/// Gateway nodes that share a secrets directory may start at the same moment: each secret must be created once, and
/// every node must end up with the same one.
/// </summary>
public sealed class SharedSecretCreationTests
{
    [Fact]
    public async Task TryCreate_ManyAtOnce_ExactlyOneWins_AndTheFileIsTheWinners()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "secret");
        using var start = new ManualResetEventSlim();

        var attempts = Enumerable.Range(0, 16).Select(i => Task.Run(() =>
        {
            start.Wait();
            return (Content: $"writer {i}", Won: PrivateFile.TryCreate(path, $"writer {i}"));
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(attempts);

        var winner = Assert.Single(results, r => r.Won);
        Assert.Equal(winner.Content, File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(["secret"], Directory.GetFiles(directory.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task FleetKey_CreatedByManyAtOnce_IsOneKeyForAll()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "fleet-key.pem");
        using var start = new ManualResetEventSlim();

        var attempts = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            start.Wait();
            using var key = FleetKey.LoadOrCreatePrivate(path);
            return FleetKey.PublicPem(key);
        })).ToList();
        start.Set();
        var keys = await Task.WhenAll(attempts);

        Assert.Single(keys.Distinct());
        using var stored = FleetKey.LoadOrCreatePrivate(path);
        Assert.Equal(keys[0], FleetKey.PublicPem(stored));
    }
}
