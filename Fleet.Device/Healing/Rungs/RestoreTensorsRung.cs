using Fleet.Shared.Protocol;

namespace Fleet.Device.Healing.Rungs;

/// <summary>Copies the golden snapshot over only the chunks whose digests changed; the session is not rebuilt.</summary>
internal sealed class RestoreTensorsRung : IRemediationRung
{
    public HealRung Rung => HealRung.RestoreTensors;

    public RungAttempt Apply(HealContext context)
    {
        var mismatches = context.Mismatches.Count > 0 ? context.Mismatches : context.Host.CheckDigests();
        if (mismatches.Count == 0)
        {
            return RungAttempt.NotApplicable("every tensor matches its golden digest");
        }

        if (context.Host.RestoreChunks(mismatches) is { } problem)
        {
            return RungAttempt.Failed(problem);
        }

        var chunks = mismatches.Sum(m => m.Chunks.Count);
        return RungAttempt.InPlace($"restored {chunks} chunk(s) of {mismatches.Count} tensor(s): {string.Join(", ", mismatches.Select(m => m.Name))}");
    }
}
