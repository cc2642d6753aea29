namespace Fleet.Gateway.Rollouts;

/// <summary>How the rollout manager runs (<c>Fleet:Rollouts</c>); <see cref="Defaults"/> is the policy a request starts from.</summary>
internal sealed record RolloutManagerOptions
{
    /// <summary>The policy of a rollout whose request leaves a field out.</summary>
    public RolloutPolicy Defaults { get; init; } = new();

    /// <summary>How often each active rollout is advanced: outcomes read from twins, devices dispatched, gates judged.</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A device that reports no outcome this long after its desired state was set counts as failed.</summary>
    public TimeSpan UpdateTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How far back the baseline's heal rate is measured on the previous version when a rollout starts.</summary>
    public TimeSpan BaselineWindow { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long a twin may take to answer a read or a desired-state write.</summary>
    public TimeSpan TwinTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public IReadOnlyList<string> Validate()
    {
        var problems = Defaults.Validate().Select(p => "Fleet:Rollouts:Defaults: " + p).ToList();
        if (TickInterval <= TimeSpan.Zero || UpdateTimeout <= TimeSpan.Zero || BaselineWindow <= TimeSpan.Zero || TwinTimeout <= TimeSpan.Zero)
        {
            problems.Add("Fleet:Rollouts: TickInterval, UpdateTimeout, BaselineWindow and TwinTimeout must be positive.");
        }

        return problems;
    }
}
