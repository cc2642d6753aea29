using System.Globalization;
using System.Text.Json;
using Fleet.Gateway.Store;
using Fleet.Gateway.Store.Devices;
using Fleet.Gateway.Store.Rollouts;
using Fleet.Gateway.Twins;
using Akka.Actor;
using Fleet.Shared.Protocol;
using Fleet.Gateway.Registry;

namespace Fleet.Gateway.Rollouts;

/// <summary>
/// The work of the <see cref="RolloutManager"/>, one step of one rollout at a time: create a rollout (plan and baseline),
/// load it back from the store, advance it (read outcomes from twins, dispatch within the disruption budget, judge gates,
/// roll back) and apply operators' commands. Every decision is written to the store before it is acted on, so a
/// restarted gateway re-derives what is in flight from the stored results and the twins.
/// </summary>
internal sealed partial class RolloutDriver
{
    private const string ManagerActor = "rollout-manager";
    private readonly IFleetStore _store;
    private readonly IActorRef _devices;
    private readonly QualitySampler _sampler;
    private readonly Func<string, string, string> _artifactUrl;
    private readonly RolloutManagerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private int _sequence;

    public RolloutDriver(IFleetStore store, IActorRef devices, Func<string, string, string> artifactUrl, RolloutManagerOptions options, TimeProvider time, ILogger logger)
    {
        _store = store;
        _devices = devices;
        _artifactUrl = artifactUrl;
        _options = options;
        _time = time;
        _logger = logger;
        _sampler = new QualitySampler(store, devices, options.TwinTimeout, time);
    }

    /// <summary>Plans and stores a new rollout, or says why not. The caller guarantees no other rollout of the model is active.</summary>
    public async Task<(RolloutStartResult Result, RolloutRun? Run)> CreateAsync(StartRollout start, CancellationToken cancellationToken)
    {
        if (await _store.Models.GetAsync(start.ModelId, start.Version, cancellationToken).ConfigureAwait(false) is not { Signature: not null })
        {
            return (new RolloutStartResult(RolloutRequestStatus.NotFound, $"model {start.ModelId} {start.Version} is not registered (signed)", null), null);
        }

        var known = await ListDevicesAsync(cancellationToken).ConfigureAwait(false);
        IEnumerable<DeviceRecord> chosen = known.Values;
        if (start.Devices is { } requested)
        {
            var unknown = requested.Where(id => !known.ContainsKey(id)).ToList();
            if (unknown.Count > 0)
            {
                return (new RolloutStartResult(RolloutRequestStatus.NotFound, "unknown devices: " + string.Join(", ", unknown.Take(10)), null), null);
            }

            chosen = requested.Distinct(StringComparer.Ordinal).Select(id => known[id]);
        }

        var candidates = chosen.Where(d => !d.Quarantined && d.ModelVersion is not null && d.ModelVersion != start.Version).ToList();
        if (candidates.Count == 0)
        {
            return (new RolloutStartResult(RolloutRequestStatus.Conflict, $"no device to update: every chosen device is quarantined, has not reported a model, or already runs {start.Version}", null), null);
        }

        // The version most of these devices run is the one a rollback returns them to; it must be in the registry, signed.
        var fromVersion = candidates.GroupBy(d => d.ModelVersion!, StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;
        if (await _store.Models.GetAsync(start.ModelId, fromVersion, cancellationToken).ConfigureAwait(false) is not { Signature: not null })
        {
            return (new RolloutStartResult(RolloutRequestStatus.Conflict, $"the devices run {start.ModelId} {fromVersion}, which is not registered (signed), so a rollback would have nowhere to go", null), null);
        }

        var ids = candidates.Select(d => d.Id).ToList();
        var now = _time.GetUtcNow();
        var twins = await _sampler.ReadAsync(ids, withHistory: true, cancellationToken).ConfigureAwait(false);
        var baseline = await _sampler.SampleAsync(twins.Values.ToList(), fromVersion, now - _options.BaselineWindow, now - _options.BaselineWindow, now, 0, cancellationToken).ConfigureAwait(false);
        var plan = new RolloutPlan(RolloutPolicyBody.From(start.Policy), fromVersion, RolloutPlanner.Waves(ids, start.Policy), BaselineSample.From(baseline));
        var id = string.Create(CultureInfo.InvariantCulture, $"ro-{now.ToUnixTimeMilliseconds()}-{Interlocked.Increment(ref _sequence)}");
        if (!await _store.Rollouts.CreateAsync(new NewRollout(id, start.ModelId, start.Version, plan.ToJson()), cancellationToken).ConfigureAwait(false))
        {
            return (new RolloutStartResult(RolloutRequestStatus.Conflict, $"rollout {id} exists", null), null);
        }

        var details = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["modelId"] = start.ModelId,
            ["version"] = start.Version,
            ["fromVersion"] = fromVersion,
            ["devices"] = ids.Count,
            ["waves"] = plan.Waves.Select(w => w.Count).ToList(),
        });
        await _store.Audit.AppendAsync(start.Actor, "rollout.start", Target(id), details, cancellationToken).ConfigureAwait(false);
        RolloutLog.Started(_logger, id, start.ModelId, fromVersion, start.Version, ids.Count, plan.Waves.Count, start.Actor);
        var record = await _store.Rollouts.GetAsync(id, cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException($"rollout {id} vanished after it was created");
        var run = await LoadAsync(record, cancellationToken).ConfigureAwait(false);
        return (new RolloutStartResult(RolloutRequestStatus.Done, null, RolloutViews.Build(run)), run);
    }

    /// <summary>A stored rollout with its results and manifests, ready to be advanced.</summary>
    public async Task<RolloutRun> LoadAsync(RolloutRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var plan = RolloutPlan.FromJson(record.PolicyJson);
        var results = await _store.Rollouts.ListDeviceResultsAsync(record.Id, cancellationToken).ConfigureAwait(false);
        var target = await ManifestAsync(record.ModelId, record.ModelVersion, allowRollback: false, cancellationToken).ConfigureAwait(false);
        var previous = await ManifestAsync(record.ModelId, plan.FromVersion, allowRollback: true, cancellationToken).ConfigureAwait(false);
        return new RolloutRun(record, plan, results, target, previous);
    }

    /// <summary>Every rollout still to advance: not finished, or rolled back with devices not yet returned.</summary>
    public async Task<IReadOnlyList<RolloutRun>> RecoverAsync(CancellationToken cancellationToken)
    {
        var runs = new List<RolloutRun>();
        var records = await _store.Rollouts.ListAsync([RolloutState.Pending, RolloutState.Running, RolloutState.Paused, RolloutState.RolledBack, RolloutState.Aborted], cancellationToken).ConfigureAwait(false);
        foreach (var record in records)
        {
            var run = await LoadAsync(record, cancellationToken).ConfigureAwait(false);
            if (run.IsActive)
            {
                runs.Add(run);
            }
        }

        return runs;
    }

    private async Task<ModelManifest> ManifestAsync(string modelId, string version, bool allowRollback, CancellationToken cancellationToken)
    {
        var model = await _store.Models.GetAsync(modelId, version, cancellationToken).ConfigureAwait(false);
        return (model is null ? null : ModelManifests.For(model, _artifactUrl, allowRollback))
            ?? throw new InvalidOperationException($"model {modelId} {version} is no longer registered (signed)");
    }

    private async Task<Dictionary<string, DeviceRecord>> ListDevicesAsync(CancellationToken cancellationToken)
    {
        var devices = new Dictionary<string, DeviceRecord>(StringComparer.Ordinal);
        string? after = null;
        do
        {
            var page = await _store.Devices.ListAsync(new DeviceQuery(Limit: 500, After: after), cancellationToken).ConfigureAwait(false);
            foreach (var device in page.Items)
            {
                devices[device.Id] = device;
            }

            after = page.NextCursor;
        }
        while (after is not null);
        return devices;
    }

    private async Task<DesiredOutcome?> SetDesiredAsync(string deviceId, ModelManifest model, string actor, CancellationToken cancellationToken)
    {
        // Null when the twin is restarting: the device stays "updating" and the next step re-sends its desired state.
        return await _devices.AskTwinAsync<DesiredOutcome>(new SetDesired(deviceId, null, model, null, actor), _options.TwinTimeout, _time, cancellationToken).ConfigureAwait(false);
    }

    private async Task RecordAsync(RolloutRun run, string deviceId, int wave, string outcome, CancellationToken cancellationToken)
    {
        await _store.Rollouts.RecordDeviceResultAsync(run.Id, deviceId, wave, outcome, cancellationToken).ConfigureAwait(false);
        run.Results[deviceId] = new RolloutDeviceResult(run.Id, deviceId, wave, outcome, _time.GetUtcNow());
    }

    /// <summary>Moves the stored rollout; false when someone else changed it first (the run then holds the stored record).</summary>
    private async Task<bool> TransitionAsync(RolloutRun run, RolloutState state, int wave, string? reason, CancellationToken cancellationToken)
    {
        var result = await _store.Rollouts.UpdateAsync(run.Id, new RolloutChange(run.Record.Version, state, wave, reason), cancellationToken).ConfigureAwait(false);
        if (result.Current is { } current)
        {
            run.Record = current;
        }

        return result.Status == RolloutUpdateStatus.Updated;
    }

    private static string Target(string rolloutId) => "rollout/" + rolloutId;
}
