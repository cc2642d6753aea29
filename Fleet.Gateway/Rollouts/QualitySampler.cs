using Fleet.Gateway.Store;
using Fleet.Gateway.Twins;
using Akka.Actor;
using Fleet.Shared.Protocol;

namespace Fleet.Gateway.Rollouts;

/// <summary>
/// Builds <see cref="QualitySample"/>s from the twins and the heal log: mean KL and p99 latency over the telemetry windows
/// each device on the version reported inside the metrics window (a device with none there falls back to its twin's
/// rolling means), heal episodes on the version in the window, failed golden validations of the version, and the failed
/// updates the caller counted.
/// </summary>
internal sealed class QualitySampler(IFleetStore store, IActorRef devices, TimeSpan askTimeout, TimeProvider time)
{
    private const int HealPage = 500;

    /// <summary>
    /// Reads the twins of <paramref name="ids"/> (all at once; a twin that does not answer in time is left out), with
    /// their telemetry history when <paramref name="withHistory"/> (only gate sampling needs it).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, DeviceQuality>> ReadAsync(IEnumerable<string> ids, bool withHistory, CancellationToken cancellationToken)
    {
        var asks = ids.Select(id =>
        (
            Id: id,
            Twin: devices.AskTwinAsync<TwinSnapshot>(new GetTwin(id), askTimeout, time, cancellationToken),
            History: withHistory
                ? devices.AskTwinAsync<MetricPoint[]>(new GetMetricHistory(id, TelemetryHistory.DefaultCapacity), askTimeout, time, cancellationToken)
                : Task.FromResult<MetricPoint[]?>([])
        )).ToList();
        var found = new Dictionary<string, DeviceQuality>(asks.Count, StringComparer.Ordinal);
        foreach (var (id, twin, history) in asks)
        {
            // An unavailable twin (no answer in time) is sampled on the next tick.
            if (await twin.ConfigureAwait(false) is { } snapshot && await history.ConfigureAwait(false) is { } points)
            {
                found[id] = DeviceQuality.From(snapshot) with { History = points };
            }
        }

        return found;
    }

    /// <summary>
    /// Quality of <paramref name="twins"/> on <paramref name="modelVersion"/>: heals between <paramref name="from"/> and
    /// <paramref name="to"/>, KL and latency over the telemetry windows from <paramref name="metricsFrom"/> to
    /// <paramref name="to"/> (the soak, when every device of the wave already runs the version).
    /// </summary>
    public async Task<QualitySample> SampleAsync(
        IReadOnlyCollection<DeviceQuality> twins, string modelVersion, DateTimeOffset from, DateTimeOffset metricsFrom, DateTimeOffset to, int failed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(twins);
        var on = twins.Where(t => t.ModelVersion == modelVersion).ToList();
        var kl = Mean(on.Select(t => WindowMean(t, metricsFrom, to, p => p.Kl) ?? t.Health?.KlMean));
        var latency = Mean(on.Select(t => WindowMean(t, metricsFrom, to, p => p.LatencyP99Us) ?? t.Health?.LatencyP99UsMean));
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

    /// <summary>The mean of a metric over the device's telemetry windows received in [<paramref name="from"/>, <paramref name="to"/>]; null when it has none there.</summary>
    internal static double? WindowMean(DeviceQuality device, DateTimeOffset from, DateTimeOffset to, Func<MetricPoint, float> metric)
    {
        double sum = 0;
        var count = 0;
        foreach (var point in device.History)
        {
            var time = point.Time;
            var value = metric(point);
            if (time >= from && time <= to && !float.IsNaN(value))
            {
                sum += value;
                count++;
            }
        }

        return count == 0 ? null : sum / count;
    }

    private static double? Mean(IEnumerable<double?> values)
    {
        var present = values.Where(v => v is { } x && double.IsFinite(x)).Select(v => v!.Value).ToList();
        return present.Count == 0 ? null : present.Average();
    }
}
