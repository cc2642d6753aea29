using Fleet.Shared.Mqtt;
using Fleet.Shared.Mqtt.Packets;
using Fleet.Tests.Infrastructure;
using Fleet.Tests.Mqtt.Infrastructure;

namespace Fleet.Tests.Mqtt.Client;

public sealed class MqttClientAuthTests(SecuredMosquittoFixture broker) : IClassFixture<SecuredMosquittoFixture>
{
    [Theory]
    [InlineData(MqttProtocolVersion.V500)]
    [InlineData(MqttProtocolVersion.V311)]
    public async Task Connect_WrongPassword_ReturnsRefusalAsValue(MqttProtocolVersion version)
    {
        await using var client = new MqttClient(MqttTestClients.Options(broker.Port, version: version) with
        {
            UserName = SecuredMosquittoFixture.DeviceUser,
            Password = "wrong",
        });

        var result = await client.ConnectAsync();

        Assert.False(result.IsSuccess);
        Assert.Contains(result.ResultCode, new[] { MqttConnectReasonCode.BadUserNameOrPassword, MqttConnectReasonCode.NotAuthorized });
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task Connect_Anonymous_IsRefused()
    {
        await using var client = new MqttClient(MqttTestClients.Options(broker.Port));

        var result = await client.ConnectAsync();

        Assert.Contains(result.ResultCode, new[] { MqttConnectReasonCode.NotAuthorized, MqttConnectReasonCode.BadUserNameOrPassword });
    }

    [Fact]
    public async Task Subscribe_AclForbiddenTopic_IsGrantedButDeliversNothing()
    {
        var collector = new MessageCollector();
        await using var device = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port, SecuredMosquittoFixture.DeviceUser) with
        {
            UserName = SecuredMosquittoFixture.DeviceUser,
            Password = SecuredMosquittoFixture.DevicePassword,
        }, collector);
        await using var admin = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port, "admin-" + Guid.NewGuid().ToString("N")[..6]) with
        {
            UserName = SecuredMosquittoFixture.AdminUser,
            Password = SecuredMosquittoFixture.AdminPassword,
        });

        var forbidden = await device.SubscribeAsync("fleet/v1/d/device-2/cmd", MqttQualityOfService.AtLeastOnce);
        var allowed = await device.SubscribeAsync($"fleet/v1/d/{SecuredMosquittoFixture.DeviceUser}/cmd", MqttQualityOfService.AtLeastOnce);
        await admin.PublishAsync(new MqttApplicationMessage("fleet/v1/d/device-2/cmd", "secret"u8.ToArray()) { QualityOfService = MqttQualityOfService.AtLeastOnce });
        await admin.PublishAsync(new MqttApplicationMessage($"fleet/v1/d/{SecuredMosquittoFixture.DeviceUser}/cmd", "mine"u8.ToArray()) { QualityOfService = MqttQualityOfService.AtLeastOnce });

        // The allowed message was published after the forbidden one on the same connection: once it
        // has arrived, the forbidden one would have too.
        var received = await collector.WaitForAsync(1);
        Assert.True(forbidden.IsSuccess);
        Assert.True(allowed.IsSuccess);
        Assert.Equal(["mine"], received.Select(m => m.PayloadAsString()));
    }

    [Fact]
    public async Task Publish_AclForbiddenTopic_IsNotDelivered()
    {
        var collector = new MessageCollector();
        await using var admin = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port, "admin-" + Guid.NewGuid().ToString("N")[..6]) with
        {
            UserName = SecuredMosquittoFixture.AdminUser,
            Password = SecuredMosquittoFixture.AdminPassword,
        }, collector);
        await admin.SubscribeAsync("fleet/v1/s/#", MqttQualityOfService.AtLeastOnce);
        await using var device = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port, SecuredMosquittoFixture.DeviceUser + "-p") with
        {
            UserName = SecuredMosquittoFixture.DeviceUser,
            Password = SecuredMosquittoFixture.DevicePassword,
        });

        await device.PublishAsync(new MqttApplicationMessage("fleet/v1/s/1/device-2/report", "spoof"u8.ToArray()) { QualityOfService = MqttQualityOfService.AtLeastOnce });
        await device.PublishAsync(new MqttApplicationMessage($"fleet/v1/s/1/{SecuredMosquittoFixture.DeviceUser}/report", "own"u8.ToArray()) { QualityOfService = MqttQualityOfService.AtLeastOnce });

        var received = await collector.WaitForAsync(1);
        Assert.Equal(["own"], received.Select(m => m.PayloadAsString()));
    }
}
