using System.Text.Json;
using Fleet.Gateway.Store.Rollouts;

namespace Fleet.Gateway.Rollouts;

internal sealed partial class RolloutDriver
{
    /// <summary>Applies an operator's pause, resume or abort (audited); a state that forbids it is a conflict.</summary>
    public async Task<RolloutChangeResult> ChangeAsync(RolloutRun run, ChangeRollout change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(change);
        var state = run.Record.State;
        bool changed;
        switch (change.Action)
        {
            case RolloutAction.Pause when state is RolloutState.Pending or RolloutState.Running:
                changed = await TransitionAsync(run, RolloutState.Paused, run.Record.WaveIndex, change.Reason, cancellationToken).ConfigureAwait(false);
                break;
            case RolloutAction.Resume when state is RolloutState.Paused:
                changed = await TransitionAsync(run, RolloutState.Running, run.Record.WaveIndex, change.Reason, cancellationToken).ConfigureAwait(false);
                break;
            case RolloutAction.Abort when !state.IsTerminal():
                changed = await StopAsync(run, RolloutState.Aborted, change.Reason ?? "aborted by " + change.Actor, change.Actor, cancellationToken).ConfigureAwait(false);
                break;
            default:
                return new RolloutChangeResult(RolloutRequestStatus.Conflict, $"a {Camel(state)} rollout cannot be {Past(change.Action)}", RolloutViews.Build(run));
        }

        if (!changed)
        {
            return new RolloutChangeResult(RolloutRequestStatus.Conflict, $"rollout {run.Id} changed meanwhile; it is {Camel(run.Record.State)}", RolloutViews.Build(run));
        }

        if (change.Action != RolloutAction.Abort)
        {
            var details = JsonSerializer.Serialize(new Dictionary<string, object?> { ["reason"] = change.Reason, ["wave"] = run.Record.WaveIndex });
            await _store.Audit.AppendAsync(change.Actor, "rollout." + Camel(change.Action), Target(run.Id), details, cancellationToken).ConfigureAwait(false);
            RolloutLog.Changed(_logger, run.Id, Camel(run.Record.State));
        }

        return new RolloutChangeResult(RolloutRequestStatus.Done, null, RolloutViews.Build(run));
    }

    /// <summary>Ends the rollout as rolled back or aborted (stored and audited first), then returns its devices to the previous version.</summary>
    private async Task<bool> StopAsync(RolloutRun run, RolloutState state, string reason, string actor, CancellationToken cancellationToken)
    {
        if (!await TransitionAsync(run, state, run.Record.WaveIndex, reason, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        RolloutLog.Stopped(_logger, run.Id, Camel(state), run.Record.WaveIndex, reason);
        var details = JsonSerializer.Serialize(new Dictionary<string, object?> { ["reason"] = reason, ["wave"] = run.Record.WaveIndex, ["returnTo"] = run.Plan.FromVersion });
        await _store.Audit.AppendAsync(actor, "rollout." + Camel(state), Target(run.Id), details, cancellationToken).ConfigureAwait(false);
        await RevertAsync(run, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Sets every device whose desired state names the new version back to the previous one (<c>allowRollback</c>), and
    /// records the devices that had taken it (or were taking it) as rolled back. Idempotent: a device already sent back
    /// is left alone, and a twin that does not answer is retried on the next step.
    /// </summary>
    private async Task RevertAsync(RolloutRun run, CancellationToken cancellationToken)
    {
        var touched = run.Results.Values.Where(r => r.Outcome is DeviceOutcomes.Updating or DeviceOutcomes.Committed or DeviceOutcomes.Failed).ToList();
        var twins = await _sampler.ReadAsync(touched.Select(r => r.DeviceId), withHistory: false, cancellationToken).ConfigureAwait(false);
        var back = touched.Where(r => twins.TryGetValue(r.DeviceId, out var twin) && twin.DesiredModelVersion == run.Target.Version).ToList();
        var written = await Task.WhenAll(back.Select(r => SetDesiredAsync(r.DeviceId, run.Previous, Actor(run), cancellationToken))).ConfigureAwait(false);
        var failedToWrite = back.Where((r, i) => written[i] is not { Status: Twins.DesiredStatus.Written or Twins.DesiredStatus.Quarantined }).Select(r => r.DeviceId).ToHashSet(StringComparer.Ordinal);
        foreach (var result in touched)
        {
            if (result.Outcome != DeviceOutcomes.Failed && twins.ContainsKey(result.DeviceId) && !failedToWrite.Contains(result.DeviceId))
            {
                await RecordAsync(run, result.DeviceId, result.Wave, DeviceOutcomes.RolledBack, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static string Camel<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    private static string Past(RolloutAction action) => action switch
    {
        RolloutAction.Pause => "paused",
        RolloutAction.Resume => "resumed",
        _ => "aborted",
    };
}
