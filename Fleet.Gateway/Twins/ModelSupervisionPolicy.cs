using Fleet.Shared.Protocol;

namespace Fleet.Gateway.Twins;

/// <summary>
/// How a device's <see cref="ModelSupervisor"/> spends its restart budget: each model failure inside
/// <see cref="Window"/> climbs one rung of <see cref="Ladder"/> (a device command); one failure more than the
/// ladder holds quarantines the device and escalates to the fleet.
/// </summary>
internal sealed record ModelSupervisionPolicy
{
    /// <summary>Commands sent for the 1st, 2nd, … failure in the window (docs/PROTOCOL.md command names).</summary>
    public IReadOnlyList<string> Ladder { get; init; } = [CommandNames.RestartModel, CommandNames.Rollback];

    /// <summary>Failures older than this no longer count against the budget.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromHours(1);

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Window <= TimeSpan.Zero)
        {
            problems.Add("Fleet:ModelSupervision:Window must be positive.");
        }

        foreach (var rung in Ladder)
        {
            if (rung is not (CommandNames.RestartModel or CommandNames.Rollback or CommandNames.Validate or CommandNames.ReportNow))
            {
                problems.Add($"Fleet:ModelSupervision:Ladder names '{rung}', which is not a device command.");
            }
        }

        return problems;
    }
}
