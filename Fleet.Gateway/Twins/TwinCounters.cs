using Fleet.Gateway.Metrics;

namespace Fleet.Gateway.Twins;

/// <summary>The twins' Prometheus counters and the live-twin gauge.</summary>
internal sealed class TwinCounters
{
    private long _loaded;

    public TwinCounters(MetricsRegistry registry)
    {
        Reports = registry.Counter("fleet_ingest_reports_total", "Reports received from devices");
        Telemetry = registry.Counter("fleet_ingest_telemetry_total", "Telemetry messages received from devices");
        Events = registry.Counter("fleet_ingest_events_total", "Events received from devices");
        Statuses = registry.Counter("fleet_ingest_status_total", "Status messages received from devices");
        CommandResults = registry.Counter("fleet_ingest_command_results_total", "Command results received from devices");
        Rejected = registry.Counter("fleet_ingest_rejected_total", "Device messages rejected (bad topic or payload)");
        Duplicates = registry.Counter("fleet_ingest_duplicates_total", "Device messages dropped as duplicates or stale by (epoch, seq)");
        DesiredPublished = registry.Counter("fleet_desired_published_total", "Desired-state publications (edits and reconciliation)");
        TwinRestarts = registry.Counter("fleet_twin_restarts_total", "Twins restarted by their supervisor and rehydrated from the store");
        StoreRetries = registry.Counter("fleet_store_retries_total", "Twin store reads and writes retried after a failure");
        Unacknowledged = registry.Counter("fleet_ingest_unacknowledged_total", "QoS 1 device messages left unacknowledged (not stored in time) for the broker to redeliver");
        Passivated = registry.Counter("fleet_twins_passivated_total", "Idle twins stopped to release their memory");
        AutoRegistered = registry.Counter("fleet_devices_auto_registered_total", "Unknown devices registered on first message");
        registry.Gauge("fleet_twins_loaded", "Device twins live in memory", () => Interlocked.Read(ref _loaded));
    }

    public Counter Reports { get; }

    public Counter Telemetry { get; }

    public Counter Events { get; }

    public Counter Statuses { get; }

    public Counter CommandResults { get; }

    public Counter Rejected { get; }

    public Counter Duplicates { get; }

    public Counter DesiredPublished { get; }

    public Counter TwinRestarts { get; }

    public Counter AutoRegistered { get; }

    public Counter StoreRetries { get; }

    public Counter Unacknowledged { get; }

    public Counter Passivated { get; }

    public long Loaded => Interlocked.Read(ref _loaded);

    public void TwinStarted() => Interlocked.Increment(ref _loaded);

    public void TwinStopped() => Interlocked.Decrement(ref _loaded);
}
