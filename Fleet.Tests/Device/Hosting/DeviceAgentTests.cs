using System.Text.Json;
using Fleet.Shared.Models;
using Fleet.Shared.Models.Packaging;
using Fleet.Shared.Protocol;
using Fleet.Shared.Security;
using Fleet.Tests.Infrastructure;

namespace Fleet.Tests.Device.Hosting;

/// <summary>The whole agent (actors, MQTT, HTTP, ORT, disk): model updates, refusals, rollback, commands, crash recovery.</summary>
public sealed class DeviceAgentTests(MosquittoFixture broker) : IClassFixture<MosquittoFixture>
{
    [Fact]
    public async Task GoodUpdate_IsStagedValidatedActivated_AndCommittedAfterTheSoak()
    {
        await using var agent = await AgentHarness.StartAsync(broker);
        var bytes = ModelPackageWriter.Write(ModelPackage.FromReference(ReferenceModels.Build().Vocoder, "vocoder", "1.1.0", parent: "1.0.0"));
        await agent.PublishDesiredAsync(Desired(agent, 1, "1.1.0", bytes, agent.Serve("vocoder-1.1.0.zip", bytes)));

        var update = await agent.WaitForEventAsync<UpdateEvent>(e => e.DesiredVersion == 1);

        Assert.Equal((UpdateOutcome.Committed, "1.1.0"), (update.Outcome, update.ModelVersion));
        await agent.WaitAsync(() => agent.LastReport is { DesiredVersion: 1, Model.Version: "1.1.0", CannotApply: null }, "the report of 1.1.0");
    }

    [Fact]
    public async Task CorruptUnsignedAndOlderUpdates_AreRefused_WhileTheOldModelKeepsServing()
    {
        await using var agent = await AgentHarness.StartAsync(broker);
        var set = ReferenceModels.Build();
        var good = ModelPackageWriter.Write(ModelPackage.FromReference(set.Vocoder, "vocoder", "1.2.0"));
        var corrupt = (byte[])good.Clone();
        corrupt[corrupt.Length / 3] ^= 0x01;
        var older = ModelPackageWriter.Write(ModelPackage.FromReference(set.Vocoder, "vocoder", "0.9.0"));

        await agent.PublishDesiredAsync(Desired(agent, 1, "1.2.0", good, agent.Serve("corrupt.zip", corrupt)));
        var refusedCorrupt = await agent.WaitForEventAsync<UpdateEvent>(e => e.DesiredVersion == 1);
        await agent.PublishDesiredAsync(Desired(agent, 2, "1.2.0", good, agent.Serve("good.zip", good)) with { Model = Desired(agent, 2, "1.2.0", good, agent.BaseUrl + "good.zip").Model! with { Signature = "" } });
        var refusedUnsigned = await agent.WaitForEventAsync<UpdateEvent>(e => e.DesiredVersion == 2);
        await agent.PublishDesiredAsync(Desired(agent, 3, "0.9.0", older, agent.Serve("older.zip", older)));
        var refusedOlder = await agent.WaitForEventAsync<UpdateEvent>(e => e.DesiredVersion == 3);

        Assert.Equal(UpdateOutcome.Refused, refusedCorrupt.Outcome);
        Assert.Contains("SHA-256", refusedCorrupt.Reason);
        Assert.Equal(UpdateOutcome.Refused, refusedUnsigned.Outcome);
        Assert.Contains("unsigned", refusedUnsigned.Reason);
        Assert.Equal(UpdateOutcome.Refused, refusedOlder.Outcome);
        Assert.Contains("older", refusedOlder.Reason);
        await agent.WaitAsync(() => agent.LastReport is { DesiredVersion: 3, Model.Version: "1.0.0", CannotApply.Version: 3 }, "a report of the old model refusing version 3");
        var validation = await agent.CommandAsync(CommandNames.Validate);
        Assert.True(validation.Ok);
        Assert.Equal("pass", validation.Result!.Value.GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task UpdateThatFailsGoldenValidation_IsRolledBack_AndTheOldModelServes()
    {
        await using var agent = await AgentHarness.StartAsync(broker);
        var set = ReferenceModels.Build();
        // Signed and well-formed, but its golden set expects another model's outputs.
        var broken = ModelPackage.FromReference(set.Vocoder, "vocoder", "1.3.0") with { Golden = set.Safety.Golden with { Model = "vocoder" } };
        var bytes = ModelPackageWriter.Write(broken);
        await agent.PublishDesiredAsync(Desired(agent, 1, "1.3.0", bytes, agent.Serve("broken.zip", bytes)));

        var update = await agent.WaitForEventAsync<UpdateEvent>(e => e.DesiredVersion == 1);

        Assert.Equal(UpdateOutcome.RolledBack, update.Outcome);
        Assert.Contains("golden validation", update.Reason);
        await agent.WaitAsync(() => agent.LastReport is { DesiredVersion: 1, Model.Version: "1.0.0", CannotApply.Version: 1 }, "a report of the old model");
    }

    [Fact]
    public async Task HealDuringTheSoak_RollsTheUpdateBackAutomatically()
    {
        await using var agent = await AgentHarness.StartAsync(broker, soakWindows: 400);
        var bytes = ModelPackageWriter.Write(ModelPackage.FromReference(ReferenceModels.Build().Vocoder, "vocoder", "1.4.0", parent: "1.0.0"));
        await agent.PublishDesiredAsync(Desired(agent, 1, "1.4.0", bytes, agent.Serve("vocoder-1.4.0.zip", bytes)));
        await agent.WaitAsync(() => agent.LastReport is { DesiredVersion: 1, Model.Version: "1.4.0" }, "the activated 1.4.0");

        var fault = await agent.CommandAsync(CommandNames.InjectFault, "{\"fault\":\"bitflip:sign\"}");
        Assert.True(fault.Ok, fault.Error);
        var update = await agent.WaitForEventAsync<UpdateEvent>(e => e.DesiredVersion == 1);

        Assert.Equal((UpdateOutcome.RolledBack, "1.4.0"), (update.Outcome, update.ModelVersion));
        Assert.Contains("during the soak", update.Reason);
        await agent.WaitAsync(() => agent.LastReport is { Model.Version: "1.0.0" }, "a report of the previous model");
    }

    [Fact]
    public async Task InjectedCrash_RestartsTheModelActor_WhichCarriesOnFromTheStore()
    {
        await using var agent = await AgentHarness.StartAsync(broker);
        var bitflip = await agent.CommandAsync(CommandNames.InjectFault, "{\"fault\":\"bitflip:exponent\"}");
        Assert.True(bitflip.Ok, bitflip.Error);
        var heal = await agent.WaitForEventAsync<HealEvent>(_ => true);
        Assert.Equal((Fleet.Shared.Health.Diagnosis.Hardware, HealOutcome.Healed), (heal.Diagnosis, heal.Outcome));

        var crash = await agent.CommandAsync(CommandNames.InjectFault, "{\"fault\":\"crash\"}");
        Assert.True(crash.Ok, crash.Error);
        var restart = await agent.WaitForEventAsync<HealEvent>(e => e.Trigger == "crash");
        Assert.Equal((Fleet.Shared.Health.Diagnosis.Compute, HealOutcome.Healed), (restart.Diagnosis, restart.Outcome));
        Assert.Equal((HealRung.Restart, ValidationVerdict.Pass), (restart.Rungs[0].Rung, restart.Rungs[0].Validation));
        Assert.Contains("simulated agent crash", restart.Rungs[0].Detail);
        var report = await agent.CommandAsync(CommandNames.ReportNow);
        Assert.True(report.Ok);
        var validation = await agent.CommandAsync(CommandNames.Validate);
        Assert.Equal("pass", validation.Result!.Value.GetProperty("verdict").GetString());
        var unknown = await agent.CommandAsync("selfDestruct");
        Assert.False(unknown.Ok);
        Assert.Contains("selfDestruct", unknown.Error);
    }

    private static DesiredState Desired(AgentHarness agent, long version, string modelVersion, byte[] signedBytes, string url) => new()
    {
        Version = version,
        Model = new ModelManifest
        {
            Id = "vocoder",
            Version = modelVersion,
            Url = url,
            Sha256 = ModelSignature.Sha256Hex(signedBytes),
            Signature = ModelSignature.Sign(agent.Key, signedBytes),
        },
    };
}
