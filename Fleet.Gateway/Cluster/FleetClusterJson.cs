using System.Text.Json.Serialization;
using Fleet.Gateway.Distillation;
using Fleet.Gateway.Events;
using Fleet.Gateway.Insights;
using Fleet.Gateway.Rollouts;
using Fleet.Gateway.Supervision;
using Fleet.Gateway.Twins;
using Fleet.Shared.Protocol;

namespace Fleet.Gateway.Cluster;

/// <summary>Source-generated JSON for the cluster messages other than the device message (see <see cref="FleetClusterSerializer"/>).</summary>
/// <remarks>Telemetry values may be NaN (not reported), hence named floating-point literals.</remarks>
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(Persisted))]
[JsonSerializable(typeof(GetTwin))]
[JsonSerializable(typeof(SetDesired))]
[JsonSerializable(typeof(SendCommand))]
[JsonSerializable(typeof(SetQuarantine))]
[JsonSerializable(typeof(GetMetricHistory))]
[JsonSerializable(typeof(GetWaveforms))]
[JsonSerializable(typeof(CrashTwin))]
[JsonSerializable(typeof(TwinSnapshot))]
[JsonSerializable(typeof(DesiredOutcome))]
[JsonSerializable(typeof(CommandResult))]
[JsonSerializable(typeof(LatestWaveforms))]
[JsonSerializable(typeof(MetricPoint[]))]
[JsonSerializable(typeof(HealObserved))]
[JsonSerializable(typeof(DeviceEscalated))]
[JsonSerializable(typeof(StartRollout))]
[JsonSerializable(typeof(ChangeRollout))]
[JsonSerializable(typeof(GetRolloutViews))]
[JsonSerializable(typeof(RolloutViewSet))]
[JsonSerializable(typeof(RolloutStartResult))]
[JsonSerializable(typeof(RolloutChangeResult))]
[JsonSerializable(typeof(StartDistillation))]
[JsonSerializable(typeof(GetDistillation))]
[JsonSerializable(typeof(DistillationJob))]
[JsonSerializable(typeof(GetInsightSummary))]
[JsonSerializable(typeof(InsightSummary))]
[JsonSerializable(typeof(TwinChanged))]
[JsonSerializable(typeof(MetricsRecorded))]
[JsonSerializable(typeof(WaveformsRecorded))]
[JsonSerializable(typeof(IncidentRaised))]
[JsonSerializable(typeof(RolloutChanged))]
[JsonSerializable(typeof(FleetEventInterest))]
internal sealed partial class FleetClusterJson : JsonSerializerContext;
