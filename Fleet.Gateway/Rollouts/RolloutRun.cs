using Fleet.Gateway.Store.Rollouts;
using Fleet.Shared.Protocol;

namespace Fleet.Gateway.Rollouts;

/// <summary>
/// One rollout in memory: its stored record, plan and device results, the manifests it sends, and its last gate
/// verdicts. Mutated only by one piece of work at a time (the manager's <see cref="Busy"/> gate).
/// </summary>
internal sealed class RolloutRun
{
    public RolloutRun(RolloutRecord record, RolloutPlan plan, IEnumerable<RolloutDeviceResult> results, ModelManifest target, ModelManifest previous)
    {
        Record = record;
        Plan = plan;
        Policy = plan.ResolvePolicy();
        Target = target;
        Previous = previous;
        Results = results.ToDictionary(r => r.DeviceId, StringComparer.Ordinal);
    }

    public string Id => Record.Id;

    public RolloutRecord Record { get; set; }

    public RolloutPlan Plan { get; }

    public RolloutPolicy Policy { get; }

    /// <summary>The new version, as devices receive it.</summary>
    public ModelManifest Target { get; }

    /// <summary>The previous version with <c>allowRollback</c>: what a rollback sends.</summary>
    public ModelManifest Previous { get; }

    public Dictionary<string, RolloutDeviceResult> Results { get; }

    /// <summary>The last gate verdict per wave index.</summary>
    public Dictionary<int, GateVerdict> Gates { get; } = [];

    /// <summary>Whether a rollback or abort still has devices on (or heading to) the new version.</summary>
    public bool NeedsRevert => Record.State is RolloutState.RolledBack or RolloutState.Aborted
        && Results.Values.Any(r => r.Outcome is DeviceOutcomes.Updating or DeviceOutcomes.Committed);

    /// <summary>Whether the manager should keep advancing it.</summary>
    public bool IsActive => !Record.State.IsTerminal() || NeedsRevert;

    // The fields below belong to the manager actor alone.
    public bool Busy { get; set; }

    public Queue<object> Waiting { get; } = new();

    public RolloutView View { get; set; } = null!;

    public string? PublishedJson { get; set; }
}
