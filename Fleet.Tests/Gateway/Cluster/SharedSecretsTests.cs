using System.Net;
using Fleet.Tests.Infrastructure;

namespace Fleet.Tests.Gateway.Cluster;

/// <summary>Nodes of one fleet share its secrets through <c>Fleet:SecretsDirectory</c>: one signing key, one set of API tokens.</summary>
public sealed class SharedSecretsTests
{
    [Fact]
    public async Task TwoGateways_OnOneSecretsDirectory_SignWithOneKey_AndAcceptOneToken()
    {
        var secrets = Path.Combine(Path.GetTempPath(), "fleet-secrets-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await using var first = await GatewayHost.StartAsync("--Fleet:SecretsDirectory", secrets);
            await using var second = await GatewayHost.StartAsync("--Fleet:SecretsDirectory", secrets);

            Assert.NotEqual(first.DataDirectory, second.DataDirectory);
            Assert.Equal(first.OperatorToken, second.OperatorToken);
            Assert.True(File.Exists(Path.Combine(secrets, "tokens.json")));
            Assert.False(File.Exists(Path.Combine(second.DataDirectory, "tokens.json")));
            using var toSecond = second.Client(first.OperatorToken);
            Assert.Equal(HttpStatusCode.OK, (await toSecond.GetAsync("/api/v1/devices")).StatusCode);
            using var anonymousFirst = first.Client();
            using var anonymousSecond = second.Client();
            var key = await anonymousFirst.GetStringAsync("/api/v1/fleet/key");
            Assert.StartsWith("-----BEGIN PUBLIC KEY-----", key, StringComparison.Ordinal);
            Assert.Equal(key, await anonymousSecond.GetStringAsync("/api/v1/fleet/key"));
        }
        finally
        {
            if (Directory.Exists(secrets))
            {
                Directory.Delete(secrets, recursive: true);
            }
        }
    }
}
