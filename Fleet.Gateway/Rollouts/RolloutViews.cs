using System.Text.Json;
using Fleet.Gateway.Store.Rollouts;

namespace Fleet.Gateway.Rollouts;

/// <summary>Builds <see cref="RolloutView"/>s from a rollout's record, plan, device results and gate verdicts. Pure.</summary>
internal static class RolloutViews
{
    private static readonly JsonNamingPolicy Camel = JsonNamingPolicy.CamelCase;

    public static RolloutView Build(RolloutRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Build(run.Record, run.Plan, run.Results, run.Gates);
    }

    public static RolloutView Build(RolloutRecord record, RolloutPlan plan, IReadOnlyDictionary<string, RolloutDeviceResult> results, IReadOnlyDictionary<int, GateVerdict> gates)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(gates);
        var policy = plan.ResolvePolicy();
        var waves = new List<WaveView>(plan.Waves.Count);
        for (var i = 0; i < plan.Waves.Count; i++)
        {
            waves.Add(Wave(record, plan.Waves[i], i, results, gates.GetValueOrDefault(i), policy));
        }

        var outcomes = results.Values.Select(r => r.Outcome).ToList();
        var devices = new DeviceCounts(
            plan.Devices,
            plan.Devices - outcomes.Count,
            outcomes.Count(o => o == DeviceOutcomes.Updating),
            outcomes.Count(o => o == DeviceOutcomes.Committed),
            outcomes.Count(o => o == DeviceOutcomes.Failed),
            outcomes.Count(o => o == DeviceOutcomes.RolledBack));
        return new RolloutView(record.Id, record.ModelId, record.ModelVersion, plan.FromVersion, Camel.ConvertName(record.State.ToString()), record.Reason,
            record.Created, record.Updated, RolloutPolicyBody.From(policy), record.WaveIndex, devices, waves);
    }

    private static WaveView Wave(RolloutRecord record, IReadOnlyList<string> ids, int index, IReadOnlyDictionary<string, RolloutDeviceResult> results, GateVerdict? gate, RolloutPolicy policy)
    {
        var mine = ids.Select(id => results.GetValueOrDefault(id)).ToList();
        var updating = mine.Count(r => r?.Outcome == DeviceOutcomes.Updating);
        var committed = mine.Count(r => r?.Outcome == DeviceOutcomes.Committed);
        var failed = mine.Count(r => r?.Outcome == DeviceOutcomes.Failed);
        var rolledBack = mine.Count(r => r?.Outcome == DeviceOutcomes.RolledBack);
        var done = mine.All(r => r is not null && r.Outcome != DeviceOutcomes.Updating);
        var soakStart = mine.Where(r => r is not null && DeviceOutcomes.IsReported(r.Outcome)).Select(r => r!.Time).DefaultIfEmpty().Max();
        DateTimeOffset? soakEnds = done && soakStart != default ? soakStart + policy.Soak : null;
        string state;
        if (record.State == RolloutState.Completed || index < record.WaveIndex)
        {
            state = "passed";
            gate ??= new GateVerdict(GateDecision.Pass, []);
        }
        else if (index > record.WaveIndex)
        {
            state = "waiting";
        }
        else if (record.State is RolloutState.RolledBack or RolloutState.Aborted)
        {
            state = "failed";
            gate = gate is { Decision: GateDecision.Fail } ? gate : new GateVerdict(GateDecision.Fail, [record.Reason ?? record.State.ToString()]);
        }
        else if (done)
        {
            state = "soaking";
        }
        else
        {
            state = mine.Any(r => r is not null) ? "updating" : "waiting";
        }

        return new WaveView(index, ids.Count, state, updating, committed, failed, rolledBack, state == "soaking" ? soakEnds : null,
            gate is null ? null : new GateView(Camel.ConvertName(gate.Decision.ToString()), gate.Reasons));
    }

    public static IReadOnlyList<DeviceResultView> Results(IEnumerable<RolloutDeviceResult> results) =>
        results.OrderBy(r => r.Wave).ThenBy(r => r.DeviceId, StringComparer.Ordinal).Select(r => new DeviceResultView(r.DeviceId, r.Wave, r.Outcome, r.Time)).ToList();
}
