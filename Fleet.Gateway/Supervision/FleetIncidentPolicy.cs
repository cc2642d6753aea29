namespace Fleet.Gateway.Supervision;

/// <summary>
/// When the same failure signature (diagnosis + model version) seen on many devices becomes a fleet
/// incident, and what the fleet does about it. Policy as data: the <see cref="FleetSupervisor"/> has no
/// thresholds of its own.
/// </summary>
internal sealed record FleetIncidentPolicy
{
    /// <summary>Heal episodes older than this no longer count.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>The share (0–1] of the model version's devices that must show the signature.</summary>
    public double Share { get; init; } = 0.25;

    /// <summary>At least this many distinct devices, whatever the share.</summary>
    public int MinDevices { get; init; } = 5;

    /// <summary>Heal outcomes that count as a failure signature.</summary>
    public IReadOnlyList<string> Outcomes { get; init; } = ["healed", "unhealable", "budgetExhausted"];

    /// <summary>Whether an incident orders the version rolled back to its parent (the previous known-good version).</summary>
    public bool Rollback { get; init; } = true;

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Window <= TimeSpan.Zero)
        {
            problems.Add("Fleet:Incidents:Window must be positive.");
        }

        if (Share is <= 0 or > 1 || double.IsNaN(Share))
        {
            problems.Add($"Fleet:Incidents:Share {Share} must be in (0, 1].");
        }

        if (MinDevices < 1)
        {
            problems.Add("Fleet:Incidents:MinDevices must be at least 1.");
        }

        return problems;
    }
}
