using Fleet.Gateway.Store.Rollouts;
using Fleet.Shared.Protocol;

namespace Fleet.Gateway.Rollouts;

internal sealed partial class RolloutDriver
{
    /// <summary>
    /// Advances a rollout by one step: a pending rollout starts; outcomes of updating devices are read from their twins;
    /// the abort criterion is checked; a running rollout dispatches its current wave within the disruption budget and,
    /// once every device of the wave reported and the soak is over, judges the wave's gates (next wave, completed, or
    /// rolled back). A rolled-back or aborted rollout returns its devices to the previous version.
    /// </summary>
    public async Task StepAsync(RolloutRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.Record.State == RolloutState.Pending && !await TransitionAsync(run, RolloutState.Running, 0, null, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        if (run.Record.State.IsTerminal())
        {
            if (run.NeedsRevert)
            {
                await RevertAsync(run, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        await TrackAsync(run, cancellationToken).ConfigureAwait(false);
        if (AbortVerdict(run) is { Decision: GateDecision.Fail } abort)
        {
            run.Gates[run.Record.WaveIndex] = abort;
            await StopAsync(run, RolloutState.RolledBack, string.Join("; ", abort.Reasons), ManagerActor, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (run.Record.State != RolloutState.Running)
        {
            return;
        }

        var wave = run.Record.WaveIndex;
        await DispatchAsync(run, wave, cancellationToken).ConfigureAwait(false);
        await JudgeAsync(run, wave, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the twins of updating devices and records the outcomes they reported (or a timeout as a failure).</summary>
    private async Task TrackAsync(RolloutRun run, CancellationToken cancellationToken)
    {
        var updating = run.Results.Values.Where(r => r.Outcome == DeviceOutcomes.Updating).ToList();
        if (updating.Count == 0)
        {
            return;
        }

        var twins = await _sampler.ReadAsync(updating.Select(r => r.DeviceId), withHistory: false, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var resend = new List<string>();
        foreach (var result in updating)
        {
            if (!twins.TryGetValue(result.DeviceId, out var twin))
            {
                continue;
            }

            var outcome = Classify(twin, run.Target.Version, now - result.Time > _options.UpdateTimeout);
            if (outcome is not null)
            {
                await RecordAsync(run, result.DeviceId, result.Wave, outcome, cancellationToken).ConfigureAwait(false);
                if (outcome == DeviceOutcomes.Failed)
                {
                    RolloutLog.DeviceFailed(_logger, run.Id, result.DeviceId, twin.LastUpdate?.Reason ?? twin.Report?.CannotApply?.Reason ?? "no outcome before the update timeout");
                }
            }
            else if (twin.DesiredModelVersion != run.Target.Version)
            {
                // Recorded as updating but its desired state was never written (a restart in between): send it now.
                resend.Add(result.DeviceId);
            }
        }

        await Task.WhenAll(resend.Select(id => SetDesiredAsync(id, run.Target, Actor(run), cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>The outcome a twin shows for an update to <paramref name="version"/>, or null while it is still in flight.</summary>
    internal static string? Classify(DeviceQuality twin, string version, bool timedOut)
    {
        ArgumentNullException.ThrowIfNull(twin);
        if (twin.LastUpdate is { } update)
        {
            if (update.ModelVersion == version && update.Outcome == UpdateOutcome.Committed)
            {
                return DeviceOutcomes.Committed;
            }

            if ((update.ModelVersion == version && update.Outcome == UpdateOutcome.RolledBack)
                || (update.Outcome == UpdateOutcome.Refused && update.DesiredVersion >= twin.DesiredVersion && twin.DesiredModelVersion == version))
            {
                return DeviceOutcomes.Failed;
            }
        }

        if (twin.Report?.CannotApply is { } refused && refused.Version >= twin.DesiredVersion && twin.DesiredModelVersion == version)
        {
            return DeviceOutcomes.Failed;
        }

        return timedOut ? DeviceOutcomes.Failed : null;
    }

    /// <summary>The abort criterion over every device that reported so far (fail, or wait).</summary>
    private static GateVerdict AbortVerdict(RolloutRun run)
    {
        var reported = run.Results.Values.Count(r => DeviceOutcomes.IsReported(r.Outcome));
        var failed = run.Results.Values.Count(r => r.Outcome == DeviceOutcomes.Failed);
        var outcomes = new QualitySample(reported, null, 0, TimeSpan.Zero, 0, null, failed);
        // Judged as if the soak had just begun: only the abort share can decide now, everything else waits.
        var policy = run.Policy with { Soak = TimeSpan.FromDays(1) };
        var now = DateTimeOffset.UnixEpoch;
        return RolloutGates.Evaluate(outcomes, run.Plan.Baseline.ToSample(), policy, now, now);
    }

    /// <summary>Sends the new version to the wave's next devices while fewer than the budget are updating.</summary>
    private async Task DispatchAsync(RolloutRun run, int wave, CancellationToken cancellationToken)
    {
        var free = run.Policy.MaxConcurrentUpdates - run.Results.Values.Count(r => r.Outcome == DeviceOutcomes.Updating);
        var next = run.Plan.Waves[wave].Where(id => !run.Results.ContainsKey(id)).Take(Math.Max(0, free)).ToList();
        if (next.Count == 0)
        {
            return;
        }

        // Recorded before it is sent: after a crash in between, the device is found "updating" and its desired state re-sent.
        foreach (var id in next)
        {
            await RecordAsync(run, id, wave, DeviceOutcomes.Updating, cancellationToken).ConfigureAwait(false);
        }

        var written = await Task.WhenAll(next.Select(id => SetDesiredAsync(id, run.Target, Actor(run), cancellationToken))).ConfigureAwait(false);
        for (var i = 0; i < next.Count; i++)
        {
            if (written[i] is { Status: Twins.DesiredStatus.Quarantined or Twins.DesiredStatus.UnknownDevice })
            {
                await RecordAsync(run, next[i], wave, DeviceOutcomes.Skipped, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Once every device of the wave reported and the soak is over, judges the version on every device that took it so far.</summary>
    private async Task JudgeAsync(RolloutRun run, int wave, CancellationToken cancellationToken)
    {
        var mine = run.Plan.Waves[wave].Select(id => run.Results.GetValueOrDefault(id)).ToList();
        if (mine.Any(r => r is null || r.Outcome == DeviceOutcomes.Updating))
        {
            return;
        }

        var now = _time.GetUtcNow();
        var reported = mine.Where(r => DeviceOutcomes.IsReported(r!.Outcome)).Select(r => r!.Time).ToList();
        var soakStart = reported.Count == 0 ? now : reported.Max();
        if (now - soakStart < run.Policy.Soak)
        {
            run.Gates[wave] = GateVerdict.Wait("soaking until " + (soakStart + run.Policy.Soak).ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            return;
        }

        var took = run.Results.Values.Where(r => r.Wave <= wave && DeviceOutcomes.IsReported(r.Outcome)).ToList();
        var twins = await _sampler.ReadAsync(took.Select(r => r.DeviceId), withHistory: true, cancellationToken).ConfigureAwait(false);
        var failed = took.Count(r => r.Outcome == DeviceOutcomes.Failed);
        // Heals count from the rollout's start: a device that heals while it installs or soaks on its own is as suspect as
        // one that heals during the gateway's soak, and its episode would otherwise fall before the window.
        var candidate = await _sampler.SampleAsync(twins.Values.ToList(), run.Target.Version, run.Record.Created, soakStart, now, failed, cancellationToken).ConfigureAwait(false);
        var verdict = RolloutGates.Evaluate(candidate, run.Plan.Baseline.ToSample(), run.Policy, soakStart, now);
        run.Gates[wave] = verdict;
        switch (verdict.Decision)
        {
            case GateDecision.Fail:
                await StopAsync(run, RolloutState.RolledBack, $"wave {wave} failed its gates: " + string.Join("; ", verdict.Reasons), ManagerActor, cancellationToken).ConfigureAwait(false);
                break;
            case GateDecision.Pass when wave + 1 < run.Plan.Waves.Count:
                if (await TransitionAsync(run, RolloutState.Running, wave + 1, null, cancellationToken).ConfigureAwait(false))
                {
                    RolloutLog.WavePassed(_logger, run.Id, wave);
                }

                break;
            case GateDecision.Pass:
                if (await TransitionAsync(run, RolloutState.Completed, wave, null, cancellationToken).ConfigureAwait(false))
                {
                    RolloutLog.Changed(_logger, run.Id, "completed");
                    await _store.Audit.AppendAsync(ManagerActor, "rollout.completed", Target(run.Id), "{}", cancellationToken).ConfigureAwait(false);
                }

                break;
        }
    }

    private static string Actor(RolloutRun run) => "rollout/" + run.Id;
}
