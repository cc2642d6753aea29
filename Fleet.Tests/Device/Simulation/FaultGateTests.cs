using Fleet.Device.Simulation;

namespace Fleet.Tests.Device.Simulation;

public sealed class FaultGateTests
{
    [Theory]
    [InlineData("Planned", false, false, "Hold")]
    [InlineData("Random", false, false, "Drop")]
    [InlineData("Planned", true, false, "Inject")]
    [InlineData("Random", true, false, "Inject")]
    [InlineData("Random", true, true, "Drop")]
    [InlineData("Planned", true, true, "Inject")]
    [InlineData("Command", false, true, "Inject")]
    public void Admit_ScheduledFaults_WaitForTheWarmUp_AndRandomOnesForTheLastFaultToEnd(string origin, bool warm, bool inProgress, string expected) =>
        Assert.Equal(Enum.Parse<FaultAdmission>(expected), FaultGate.Admit(Enum.Parse<FaultOrigin>(origin), warm, inProgress));

    [Theory]
    [InlineData("Random", "Drop")]
    [InlineData("Planned", "Inject")]
    [InlineData("Command", "Inject")]
    public void Admit_WhileAnUpdateSoaks_DropsRandomFaults_SoNoiseIsNotBlamedOnTheUpdate(string origin, string expected) =>
        Assert.Equal(Enum.Parse<FaultAdmission>(expected), FaultGate.Admit(Enum.Parse<FaultOrigin>(origin), watchdogWarm: true, faultInProgress: false, updateSoaking: true));
}
