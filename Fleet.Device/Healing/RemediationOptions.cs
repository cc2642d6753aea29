using Fleet.Shared.Health;
using Fleet.Shared.Protocol;

namespace Fleet.Device.Healing;

/// <summary>The remediation policy as data: which rungs each diagnosis climbs, in order, and what drift does.</summary>
/// <param name="Ladders">Rungs per diagnosis; each is followed by golden validation and the ladder climbs only on failure.</param>
/// <param name="SafetyOnDrift">On data drift, switch to the safety model when output quality is below the floor.</param>
/// <param name="DriftQualityFloor">Quality floor for drift: KL above this multiple of the KL threshold is "below the floor".</param>
/// <param name="Budget">Heals per period with backoff, so a device never flails.</param>
internal sealed record RemediationOptions(
    IReadOnlyDictionary<Diagnosis, IReadOnlyList<HealRung>> Ladders,
    bool SafetyOnDrift,
    double DriftQualityFloor,
    HealBudgetOptions Budget)
{
    public static RemediationOptions Default { get; } = new(
        new Dictionary<Diagnosis, IReadOnlyList<HealRung>>
        {
            [Diagnosis.Hardware] = [HealRung.RestoreTensors, HealRung.Reload, HealRung.Rollback, HealRung.SafetyModel, HealRung.FactoryDefault],
            [Diagnosis.ModelQuality] = [HealRung.Unprune, HealRung.Rollback, HealRung.SafetyModel, HealRung.FactoryDefault],
            [Diagnosis.Compute] = [HealRung.SafetyModel],
            [Diagnosis.DataDrift] = [],
        },
        SafetyOnDrift: true,
        DriftQualityFloor: 1.0,
        Budget: new HealBudgetOptions(6, TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10)));

    /// <summary>Noise added to the region sketches insights carry (off by default).</summary>
    public InsightNoiseOptions InsightNoise { get; init; } = InsightNoiseOptions.Off;

    public RemediationOptions Validate()
    {
        ArgumentNullException.ThrowIfNull(Ladders);
        foreach (var (diagnosis, rungs) in Ladders)
        {
            ArgumentNullException.ThrowIfNull(rungs);
            if (rungs.Distinct().Count() != rungs.Count)
            {
                throw new ArgumentException($"the {diagnosis} ladder lists a rung twice", nameof(Ladders));
            }
        }

        ArgumentOutOfRangeException.ThrowIfNegative(DriftQualityFloor, nameof(DriftQualityFloor));
        ArgumentNullException.ThrowIfNull(Budget);
        ArgumentNullException.ThrowIfNull(InsightNoise);
        Budget.Validate();
        return this;
    }

    public IReadOnlyList<HealRung> LadderFor(Diagnosis diagnosis) => Ladders.GetValueOrDefault(diagnosis) ?? [];
}
