using Fleet.Shared.Health;

namespace Fleet.Tests.Health;

public sealed class DiagnoserTests
{
    private static readonly DiagnoserOptions Policy = DiagnoserOptions.Default.Validate();

    [Fact]
    public void DigestMismatch_IsHardware_EvenWhenInputsDriftedToo() =>
        Assert.Equal(Diagnosis.Hardware, Diagnoser.Diagnose(new DiagnosisInput(1, InputShift: 5), Policy).Diagnosis);

    [Fact]
    public void CleanDigestsWithShiftedInputs_IsDataDrift()
    {
        var result = Diagnoser.Diagnose(new DiagnosisInput(0, InputShift: 1.5, LatencyP99Microseconds: 900, BaselineLatencyP99Microseconds: 300), Policy);

        Assert.Equal(Diagnosis.DataDrift, result.Diagnosis);
        Assert.Contains("input shift", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void SlowInference_IsCompute() =>
        Assert.Equal(Diagnosis.Compute, Diagnoser.Diagnose(new DiagnosisInput(0, 0.2, 900, 300), Policy).Diagnosis);

    [Fact]
    public void HotDevice_IsCompute() =>
        Assert.Equal(Diagnosis.Compute, Diagnoser.Diagnose(new DiagnosisInput(0, 0.2, TemperatureC: 85), Policy).Diagnosis);

    [Fact]
    public void NoEvidence_IsModelQuality() =>
        Assert.Equal(Diagnosis.ModelQuality, Diagnoser.Diagnose(new DiagnosisInput(0, 0.2, 310, 300, 50), Policy).Diagnosis);

    [Fact]
    public void Precedence_IsPolicyData()
    {
        var computeFirst = DiagnoserOptions.Default with { Precedence = [Diagnosis.Compute, Diagnosis.Hardware] };

        Assert.Equal(Diagnosis.Compute, Diagnoser.Diagnose(new DiagnosisInput(2, 0, TemperatureC: 90), computeFirst.Validate()).Diagnosis);
        Assert.Equal(Diagnosis.ModelQuality, Diagnoser.Diagnose(new DiagnosisInput(0, 9), computeFirst).Diagnosis);
    }

    [Fact]
    public void Validate_RejectsModelQualityInThePrecedence() =>
        Assert.Throws<ArgumentException>(() => (DiagnoserOptions.Default with { Precedence = [Diagnosis.ModelQuality] }).Validate());
}
