using Fleet.Shared.Protocol;

namespace Fleet.Device.Healing;

/// <summary>One step of the remediation ladder.</summary>
internal interface IRemediationRung
{
    HealRung Rung { get; }

    RungAttempt Apply(HealContext context);
}
