using System.Globalization;
using Akka.Actor;
using System.Text.Json;
using Fleet.Gateway.Store;
using Fleet.Gateway.Store.Devices;
using Fleet.Gateway.Twins;
using Fleet.Shared.Protocol;
using Fleet.Gateway.Registry;

namespace Fleet.Gateway.Supervision;

/// <summary>
/// The top of the supervision tree: watches heal episodes across all twins, and when one failure
/// signature (diagnosis + model version) shows on the policy's share of that version's devices within the
/// window, raises a fleet incident (persisted in the audit log) and, by policy, rolls the version back to its
/// parent in the registry (desired state of every device on it, <c>allowRollback</c>).
/// </summary>
internal sealed class FleetSupervisor : UntypedActor
{
    private readonly IFleetStore _store;
    private readonly FleetIncidentPolicy _policy;
    private readonly TimeProvider _time;
    private readonly IActorRef _devices;
    private readonly Func<string, string, string> _artifactUrl;
    private readonly ILogger _logger;
    private readonly Dictionary<(string Diagnosis, string ModelVersion), Signature> _signatures = [];

    private readonly Events.FleetEventFeed? _events;

    public FleetSupervisor(IFleetStore store, FleetIncidentPolicy policy, TimeProvider time, IActorRef devices, Func<string, string, string> artifactUrl, ILogger logger, Events.FleetEventFeed? events = null)
    {
        _events = events;
        _store = store;
        _policy = policy;
        _time = time;
        _devices = devices;
        _artifactUrl = artifactUrl;
        _logger = logger;
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case HealObserved heal:
                OnHeal(heal);
                break;
            case Evaluated evaluated:
                OnEvaluated(evaluated);
                break;
            case DeviceEscalated escalated:
                GatewayLog.DeviceQuarantined(_logger, escalated.DeviceId, escalated.Reason);
                break;
            case IncidentHandled handled:
                _signatures.GetValueOrDefault(handled.Key)?.Close(handled.Incident);
                GatewayLog.IncidentRaised(_logger, handled.Incident.Id, handled.Incident.Diagnosis, handled.Incident.ModelVersion, handled.Incident.Devices, handled.Incident.Action);
                _events?.Publish(new IncidentRaised(handled.Incident));
                break;
            case Status.Failure failure:
                GatewayLog.IncidentFailed(_logger, failure.Cause);
                foreach (var signature in _signatures.Values)
                {
                    signature.Evaluating = false;
                }

                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void OnHeal(HealObserved heal)
    {
        if (!_policy.Outcomes.Contains(heal.Outcome, StringComparer.Ordinal))
        {
            return;
        }

        var key = (heal.Diagnosis, heal.ModelVersion);
        if (!_signatures.TryGetValue(key, out var signature))
        {
            _signatures[key] = signature = new Signature();
        }

        var now = _time.GetUtcNow();
        signature.ModelId ??= heal.ModelId;
        signature.Devices[heal.DeviceId] = now;
        signature.Prune(now - _policy.Window);
        if (signature.Open is not null || signature.Evaluating || signature.Devices.Count < _policy.MinDevices)
        {
            return;
        }

        signature.Evaluating = true;
        var count = signature.Devices.Count;
        var store = _store;
        CountOnVersionAsync(store, heal.ModelVersion).ContinueWith(
            t => t.IsCompletedSuccessfully ? (object)new Evaluated(key, count, t.Result) : new Status.Failure(t.Exception!.GetBaseException()),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default).PipeTo(Self);
    }

    private static async Task<int> CountOnVersionAsync(IFleetStore store, string modelVersion)
    {
        var summary = await store.Devices.GetSummaryAsync(CancellationToken.None).ConfigureAwait(false);
        return summary.ByModelVersion.GetValueOrDefault(modelVersion);
    }

    private void OnEvaluated(Evaluated evaluated)
    {
        var signature = _signatures[evaluated.Key];
        signature.Evaluating = false;
        var onVersion = Math.Max(evaluated.OnVersion, evaluated.Devices);
        var share = (double)evaluated.Devices / onVersion;
        if (share < _policy.Share || signature.Open is not null)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var incident = new FleetIncident(
            string.Create(CultureInfo.InvariantCulture, $"inc-{now.ToUnixTimeMilliseconds()}-{evaluated.Key.Diagnosis}"),
            now,
            evaluated.Key.Diagnosis,
            signature.ModelId,
            evaluated.Key.ModelVersion,
            evaluated.Devices,
            onVersion,
            Math.Round(share, 4),
            _policy.Rollback ? "rollback" : "none",
            null,
            0);
        signature.Open = incident;
        HandleAsync(incident, evaluated.Key).PipeTo(Self);
    }

    /// <summary>Orders the rollback (when the policy says so and the registry knows a parent) and files the incident.</summary>
    private async Task<IncidentHandled> HandleAsync(FleetIncident incident, (string, string) key)
    {
        if (_policy.Rollback && incident.ModelId is { } modelId)
        {
            var lineage = await _store.Models.GetLineageAsync(modelId, incident.ModelVersion, CancellationToken.None).ConfigureAwait(false);
            if (lineage.Count > 1 && ModelManifests.For(lineage[1], _artifactUrl, allowRollback: true) is { } manifest)
            {
                var ordered = 0;
                string? after = null;
                do
                {
                    var page = await _store.Devices.ListAsync(new DeviceQuery(Limit: 500, After: after, ModelVersion: incident.ModelVersion), CancellationToken.None).ConfigureAwait(false);
                    foreach (var device in page.Items)
                    {
                        // Ordered, not asked: each device's next report tells whether it rolled back.
                        _devices.Tell(new SetDesired(device.Id, null, manifest, null, "fleet-supervisor"), ActorRefs.NoSender);
                        ordered++;
                    }

                    after = page.NextCursor;
                }
                while (after is not null);
                incident = incident with { RollbackTo = manifest.Version, RolledBackDevices = ordered };
            }
            else
            {
                incident = incident with { Action = "rollback impossible: no signed parent version in the registry" };
            }
        }

        var details = JsonSerializer.Serialize(incident);
        await _store.Audit.AppendAsync("fleet-supervisor", FleetIncident.AuditAction, FleetIncident.AuditTarget, details, CancellationToken.None).ConfigureAwait(false);
        return new IncidentHandled(key, incident);
    }

    private sealed record Evaluated((string Diagnosis, string ModelVersion) Key, int Devices, int OnVersion) : INoSerializationVerificationNeeded;

    private sealed record IncidentHandled((string Diagnosis, string ModelVersion) Key, FleetIncident Incident) : INoSerializationVerificationNeeded;

    /// <summary>Devices showing one signature, with when each last did.</summary>
    private sealed class Signature
    {
        public Dictionary<string, DateTimeOffset> Devices { get; } = new(StringComparer.Ordinal);

        public string? ModelId { get; set; }

        public bool Evaluating { get; set; }

        public FleetIncident? Open { get; set; }

        public void Prune(DateTimeOffset before)
        {
            foreach (var (device, seen) in Devices)
            {
                if (seen < before)
                {
                    Devices.Remove(device);
                }
            }

            if (Open is not null && Open.Raised < before)
            {
                Open = null;
            }
        }

        public void Close(FleetIncident incident) => Open = incident;
    }
}
