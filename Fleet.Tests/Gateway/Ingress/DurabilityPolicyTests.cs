using Fleet.Gateway;
using Fleet.Gateway.Ingress;

namespace Fleet.Tests.Gateway.Ingress;

public sealed class DurabilityPolicyTests
{
    [Fact]
    public void Backoff_DoublesFromTheFirstDelay_UpToItsCap()
    {
        var policy = new DurabilityPolicy
        {
            RetryDelay = TimeSpan.FromMilliseconds(100),
            MaxRetryDelay = TimeSpan.FromMilliseconds(350),
            RedeliveryDelay = TimeSpan.FromSeconds(1),
            MaxRedeliveryDelay = TimeSpan.FromSeconds(30),
        };

        Assert.Equal([100, 200, 350, 350], new[] { 1, 2, 3, 40 }.Select(a => policy.RetryDelayAfter(a).TotalMilliseconds));
        Assert.Equal([1, 2, 4, 16, 30, 30], new[] { 1, 2, 3, 5, 6, 1000 }.Select(f => policy.RedeliveryDelayAfter(f).TotalSeconds));
    }

    [Fact]
    public void Validate_RejectsBadDurabilityPassivationAndTlsSettings()
    {
        Assert.Empty(new DurabilityPolicy().Validate());
        Assert.NotEmpty(new DurabilityPolicy { WriteAttempts = 0 }.Validate());
        Assert.NotEmpty(new DurabilityPolicy { RetryDelay = TimeSpan.FromSeconds(3), MaxRetryDelay = TimeSpan.FromSeconds(1) }.Validate());
        Assert.NotEmpty(new DurabilityPolicy { AcknowledgeTimeout = TimeSpan.Zero }.Validate());
        Assert.NotEmpty(new DurabilityPolicy { RedeliveryDelay = TimeSpan.Zero }.Validate());
        Assert.Contains(new GatewayOptions { Durability = new DurabilityPolicy { WriteAttempts = 0 } }.Validate(), p => p.Contains("Fleet:Durability:WriteAttempts", StringComparison.Ordinal));
        Assert.Contains(new GatewayOptions { TwinIdleTimeout = TimeSpan.FromMinutes(-1) }.Validate(), p => p.Contains("Fleet:TwinIdleTimeout", StringComparison.Ordinal));
        Assert.Contains(new GatewayOptions { BrokerHost = "broker.example", BrokerPort = 1883, BrokerTls = new() { Enabled = true } }.Validate(),
            p => p.Contains("Fleet:BrokerTls", StringComparison.Ordinal));
        Assert.Contains(new GatewayOptions { BrokerTls = new() { Enabled = true, BindAddress = "everywhere" } }.Validate(),
            p => p.Contains("Fleet:BrokerTls:BindAddress", StringComparison.Ordinal));
    }
}
