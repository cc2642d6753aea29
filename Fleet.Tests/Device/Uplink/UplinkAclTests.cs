using System.Buffers;
using Fleet.Device.Uplink;
using Fleet.Device.Uplink.Queue;
using Fleet.Shared.Messaging;
using Fleet.Shared.Protocol;
using Fleet.Tests.Device.Storage;
using Fleet.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Protocol;

namespace Fleet.Tests.Device.Uplink;

/// <summary>A device's credentials against a Mosquitto ACL that confines each device to its own topics.</summary>
public sealed class UplinkAclTests(SecuredMosquittoFixture broker) : IClassFixture<SecuredMosquittoFixture>, IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task TheUplink_DeliversOnItsOwnTopics_WhileTheSameCredentialsCannotPublishAsAnotherDevice()
    {
        const string id = SecuredMosquittoFixture.DeviceUser;
        await using var gateway = await MqttWatcher.StartAsync(broker.Port, $"fleet/v1/s/+/+/events", MqttQualityOfServiceLevel.AtLeastOnce,
            SecuredMosquittoFixture.AdminUser, SecuredMosquittoFixture.AdminPassword);
        await using (var uplink = new DeviceUplink(id,
            new MqttConnectionSettings { Host = broker.Host, Port = broker.Port, ClientId = id, UserName = id, Password = SecuredMosquittoFixture.DevicePassword },
            DiskEventQueue.Open(Path.Combine(_dir.Path, "queue")), SequenceSource.Open(Path.Combine(_dir.Path, "seq"), TimeProvider.System),
            TimeProvider.System, NullLogger.Instance, "fleet-device/test"))
        {
            uplink.Start();
            await uplink.EnqueueAsync(new HealEvent { Id = "own", Diagnosis = Fleet.Shared.Health.Diagnosis.Hardware, Outcome = HealOutcome.Healed }, CancellationToken.None);
            var delivered = await gateway.WaitForAsync(1);
            Assert.Equal(Topics.FromDevice(id, TopicKind.Events), delivered[0].Topic);
        }

        using var impostor = new MqttClientFactory().CreateMqttClient();
        var connected = await impostor.ConnectAsync(MqttClientOptionsFactory.Create(new MqttConnectionSettings
        {
            Host = broker.Host, Port = broker.Port, ClientId = id, UserName = id, Password = SecuredMosquittoFixture.DevicePassword,
        }));
        Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);
        var foreign = await impostor.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topics.FromDevice("device-2", TopicKind.Events))
            .WithPayload("""{"v":1,"seq":1,"type":"heal","id":"forged"}"""u8.ToArray()).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

        Assert.True((int)foreign.ReasonCode >= 0x80, $"the ACL must refuse another device's topic, got {foreign.ReasonCode}");
        Assert.Single(gateway.Messages);
    }
}
