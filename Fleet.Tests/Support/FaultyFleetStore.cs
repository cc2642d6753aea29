using Fleet.Gateway.Store;
using Fleet.Gateway.Store.Audit;
using Fleet.Gateway.Store.Devices;
using Fleet.Gateway.Store.Healing;
using Fleet.Gateway.Store.Insights;
using Fleet.Gateway.Store.Models;
using Fleet.Gateway.Store.Rejections;
using Fleet.Gateway.Store.Distillation;
using Fleet.Gateway.Store.Rollouts;
using Fleet.Gateway.Store.Twins;

namespace Fleet.Tests.Gateway.Infrastructure;

/// <summary>
/// The real store with injectable write faults on the paths ingress writes (devices, twins, heal events, insights):
/// every write first asks <see cref="StoreFaults"/> whether to fail; reads and everything else pass through.
/// </summary>
internal sealed class FaultyFleetStore(IFleetStore inner, StoreFaults faults) : IFleetStore
{
    public SchemaInfo Schema => inner.Schema;

    public IDeviceStore Devices { get; } = new FaultyDevices(inner.Devices, faults);

    public ITwinStore Twins { get; } = new FaultyTwins(inner.Twins, faults);

    public IHealEventStore HealEvents { get; } = new FaultyHeals(inner.HealEvents, faults);

    public IInsightStore Insights { get; } = new FaultyInsights(inner.Insights, faults);

    public IModelStore Models => inner.Models;

    public IRolloutStore Rollouts => inner.Rollouts;

    public IDistillationStore Distillations => inner.Distillations;

    public IAuditLog Audit => inner.Audit;

    public IRejectionLog Rejections => inner.Rejections;

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private sealed class FaultyDevices(IDeviceStore inner, StoreFaults faults) : IDeviceStore
    {
        public async Task<bool> TryAddAsync(DeviceRegistration registration, CancellationToken cancellationToken)
        {
            await faults.OnWriteAsync();
            return await inner.TryAddAsync(registration, cancellationToken);
        }

        public Task<DeviceRecord?> GetAsync(string deviceId, CancellationToken cancellationToken) => inner.GetAsync(deviceId, cancellationToken);

        public Task<bool> DeleteAsync(string deviceId, CancellationToken cancellationToken) => inner.DeleteAsync(deviceId, cancellationToken);

        public Task<bool> SetLabelsAsync(string deviceId, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken) =>
            inner.SetLabelsAsync(deviceId, labels, cancellationToken);

        public async Task<bool> SetPresenceAsync(string deviceId, bool online, CancellationToken cancellationToken)
        {
            await faults.OnWriteAsync();
            return await inner.SetPresenceAsync(deviceId, online, cancellationToken);
        }

        public async Task<bool> TouchAsync(string deviceId, CancellationToken cancellationToken)
        {
            await faults.OnWriteAsync();
            return await inner.TouchAsync(deviceId, cancellationToken);
        }

        public Task<bool> SetQuarantineAsync(string deviceId, string? reason, CancellationToken cancellationToken) =>
            inner.SetQuarantineAsync(deviceId, reason, cancellationToken);

        public Task<DevicePage> ListAsync(DeviceQuery query, CancellationToken cancellationToken) => inner.ListAsync(query, cancellationToken);

        public Task<FleetSummary> GetSummaryAsync(CancellationToken cancellationToken) => inner.GetSummaryAsync(cancellationToken);
    }

    private sealed class FaultyTwins(ITwinStore inner, StoreFaults faults) : ITwinStore
    {
        public Task<TwinRecord?> GetAsync(string deviceId, CancellationToken cancellationToken) => inner.GetAsync(deviceId, cancellationToken);

        public Task<DesiredWriteResult> SetDesiredAsync(string deviceId, int expectedVersion, string json, CancellationToken cancellationToken) =>
            inner.SetDesiredAsync(deviceId, expectedVersion, json, cancellationToken);

        public async Task<ReportedWriteStatus> SetReportedAsync(string deviceId, ReportedUpdate report, CancellationToken cancellationToken)
        {
            await faults.OnWriteAsync();
            return await inner.SetReportedAsync(deviceId, report, cancellationToken);
        }

        public async Task<bool> SetLastEventAsync(string deviceId, TwinEventKind kind, string json, CancellationToken cancellationToken)
        {
            await faults.OnWriteAsync();
            return await inner.SetLastEventAsync(deviceId, kind, json, cancellationToken);
        }
    }

    private sealed class FaultyHeals(IHealEventStore inner, StoreFaults faults) : IHealEventStore
    {
        public async Task<bool> AppendAsync(HealEventRecord healEvent, CancellationToken cancellationToken)
        {
            faults.OnHeal(healEvent.EventId);
            await faults.OnWriteAsync();
            return await inner.AppendAsync(healEvent, cancellationToken);
        }

        public Task<HealEventPage> ListByDeviceAsync(string deviceId, int limit, string? after, CancellationToken cancellationToken) =>
            inner.ListByDeviceAsync(deviceId, limit, after, cancellationToken);

        public Task<HealEventPage> ListByModelVersionAsync(string modelVersion, DateTimeOffset from, DateTimeOffset to, int limit, string? after, CancellationToken cancellationToken) =>
            inner.ListByModelVersionAsync(modelVersion, from, to, limit, after, cancellationToken);

        public Task<IReadOnlyList<HealSignatureCount>> SummarizeAsync(string modelVersion, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
            inner.SummarizeAsync(modelVersion, from, to, cancellationToken);

        public async Task SaveWaveformsAsync(HealWaveforms waveforms, CancellationToken cancellationToken)
        {
            await faults.OnWriteAsync();
            await inner.SaveWaveformsAsync(waveforms, cancellationToken);
        }

        public Task<HealWaveforms?> GetWaveformsAsync(string deviceId, CancellationToken cancellationToken) =>
            inner.GetWaveformsAsync(deviceId, cancellationToken);
    }

    private sealed class FaultyInsights(IInsightStore inner, StoreFaults faults) : IInsightStore
    {
        public async Task<InsightRecord> AppendAsync(NewInsight insight, CancellationToken cancellationToken)
        {
            await faults.OnWriteAsync();
            return await inner.AppendAsync(insight, cancellationToken);
        }

        public Task<IReadOnlyList<InsightRecord>> ListByModelVersionAsync(string modelVersion, long afterId, int limit, CancellationToken cancellationToken) =>
            inner.ListByModelVersionAsync(modelVersion, afterId, limit, cancellationToken);

        public Task<IReadOnlyDictionary<string, int>> CountBySignatureAsync(string modelVersion, CancellationToken cancellationToken) =>
            inner.CountBySignatureAsync(modelVersion, cancellationToken);
    }
}
