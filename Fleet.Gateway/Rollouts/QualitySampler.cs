using Fleet.Gateway.Store;
using Fleet.Gateway.Twins;
using Fleet.Shared.Actors;
using Fleet.Shared.Protocol;

namespace Fleet.Gateway.Rollouts;

/// <summary>
/// Builds <see cref="QualitySample"/>s from the twins and the heal log: mean KL and p99 latency (the twins' rolling means
/// over devices that report the version), heal episodes on the version in the window, failed golden validations of the
/// version, and the failed updates the caller counted.
/// </summary>
internal sealed class QualitySampler(IFleetStore store, IActorRef devices, TimeSpan askTimeout)
{
    private const int HealPage = 500;

    /// <summary>Reads the twins of <paramref name="ids"/> (all at once; a twin that does not answer in time is left out).</summary>
    public async Task<IReadOnlyDictionary<string, DeviceQuality>> ReadAsync(IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        var asks = ids.Select(id =>
        {
            var reply = new TaskCompletionSource<TwinSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
            devices.Tell(new GetTwin(id, reply));
            return (Id: id, Task: reply.Task.WaitAsync(askTimeout, cancellationToken));
        }).ToList();
        var found = new Dictionary<string, DeviceQuality>(asks.Count, StringComparer.Ordinal);
        foreach (var (id, task) in asks)
        {
            try
            {
                found[id] = DeviceQuality.From(await task.ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is TimeoutException or TwinStoppedException)
            {
                // An unavailable twin is sampled on the next tick.
            }
        }

        return found;
    }

    /// <summary>Quality of <paramref name="twins"/> on <paramref name="modelVersion"/> between <paramref name="from"/> and <paramref name="to"/>.</summary>
    public async Task<QualitySample> SampleAsync(
        IReadOnlyCollection<DeviceQuality> twins, string modelVersion, DateTimeOffset from, DateTimeOffset to, int failed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(twins);
        var on = twins.Where(t => t.ModelVersion == modelVersion).ToList();
        var kl = Mean(on.Select(t => t.Health?.KlMean));
        var latency = Mean(on.Select(t => t.Health?.LatencyP99UsMean));
        var golden = twins.Count(t => t.LastValidation is { Verdict: ValidationVerdict.Fail } v && v.ModelVersion == modelVersion);
        var heals = await CountHealsAsync(twins.Select(t => t.DeviceId).ToHashSet(StringComparer.Ordinal), modelVersion, from, to, cancellationToken).ConfigureAwait(false);
        return new QualitySample(twins.Count, kl, heals, to - from, golden, latency, failed);
    }

    private async Task<int> CountHealsAsync(HashSet<string> ids, string modelVersion, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        if (ids.Count == 0 || to <= from)
        {
            return 0;
        }

        var count = 0;
        string? after = null;
        do
        {
            var page = await store.HealEvents.ListByModelVersionAsync(modelVersion, from, to, HealPage, after, cancellationToken).ConfigureAwait(false);
            count += page.Items.Count(h => ids.Contains(h.DeviceId));
            after = page.NextCursor;
        }
        while (after is not null);
        return count;
    }

    private static double? Mean(IEnumerable<double?> values)
    {
        var present = values.Where(v => v is { } x && double.IsFinite(x)).Select(v => v!.Value).ToList();
        return present.Count == 0 ? null : present.Average();
    }
}
