using Fleet.Device.Healing.Rungs;
using Fleet.Device.Inference;
using Fleet.Shared.Protocol;

namespace Fleet.Device.Healing;

/// <summary>Climbs a list of rungs: each applied rung is followed by golden validation; climbing stops at the first pass.</summary>
internal sealed class RemediationLadder(TimeProvider time)
{
    private static readonly Dictionary<HealRung, IRemediationRung> Rungs = new IRemediationRung[]
    {
        new RestoreTensorsRung(),
        new UnpruneRung(),
        new LoadRung(HealRung.Reload),
        new LoadRung(HealRung.Rollback),
        new LoadRung(HealRung.SafetyModel),
        new LoadRung(HealRung.FactoryDefault),
    }.ToDictionary(r => r.Rung);

    /// <summary>Runs <paramref name="rungs"/> against <paramref name="context"/>.</summary>
    /// <returns>The outcome, the rungs tried (with validation and duration) and, when a rung replaced it, the new host.</returns>
    public LadderResult Climb(IReadOnlyList<HealRung> rungs, HealContext context)
    {
        ArgumentNullException.ThrowIfNull(rungs);
        ArgumentNullException.ThrowIfNull(context);
        var results = new List<HealRungResult>();
        foreach (var rung in rungs)
        {
            var started = time.GetTimestamp();
            var attempt = Rungs[rung].Apply(context);
            if (!attempt.Applicable)
            {
                continue;
            }

            var passed = false;
            var detail = attempt.Detail;
            if (attempt.Applied)
            {
                var target = attempt.Replacement ?? context.Host;
                var validation = Validate(target);
                passed = validation.Passed;
                detail = $"{detail}; {validation.Message}";
            }

            results.Add(new HealRungResult
            {
                Rung = rung,
                Validation = passed ? ValidationVerdict.Pass : ValidationVerdict.Fail,
                DurationMs = Math.Round(time.GetElapsedTime(started).TotalMilliseconds, 3),
                Detail = detail,
            });
            if (passed)
            {
                return new LadderResult(HealOutcome.Healed, results, attempt.Replacement);
            }

            attempt.Replacement?.Dispose();
        }

        return new LadderResult(HealOutcome.Unhealable, results, null);
    }

    private static (bool Passed, string Message) Validate(ModelHost host)
    {
        try
        {
            var result = host.Validate();
            return (result.Passed, result.Message);
        }
        catch (Shared.Onnx.OnnxRuntimeException ex)
        {
            return (false, $"validation could not run: {ex.Message}");
        }
    }
}
