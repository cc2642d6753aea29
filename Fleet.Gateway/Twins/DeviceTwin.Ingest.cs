using System.Text;
using System.Text.Json;
using Fleet.Gateway.Store.Devices;
using Fleet.Gateway.Store.Healing;
using Fleet.Gateway.Store.Insights;
using Fleet.Gateway.Store.Twins;
using Akka.Actor;
using Fleet.Shared.Protocol;

namespace Fleet.Gateway.Twins;

internal sealed partial class DeviceTwin
{
    private void OnDeviceMessage(DeviceMessage message)
    {
        _lastSeen = _services.Time.GetUtcNow();
        switch (message.Kind)
        {
            case TopicKind.Report:
                OnReport(message);
                break;
            case TopicKind.Telemetry:
                OnTelemetry(message);
                break;
            case TopicKind.Events:
                OnEvent(message);
                break;
            case TopicKind.Status:
                OnStatus(message);
                break;
            case TopicKind.CommandResult:
                OnCommandResult(message);
                break;
            default:
                Reject(message, "not a device-to-gateway topic");
                break;
        }
    }

    /// <summary>Enrols an unknown device on its first valid message (garbage registers nothing); ingress has already checked the topic's shard against Sharding.ShardOf.</summary>
    private void Register(DeviceMessage message)
    {
        if (_registered)
        {
            return;
        }

        _registered = true;
        var registration = new DeviceRegistration(_deviceId, message.Shard, CredentialKind.None);
        var counters = _services.Counters;
        Persist(async store =>
        {
            if (await store.Devices.TryAddAsync(registration, CancellationToken.None).ConfigureAwait(false))
            {
                counters.AutoRegistered.Increment();
            }
        });
    }

    private void Reject(DeviceMessage message, string why)
    {
        _services.Counters.Rejected.Increment();
        GatewayLog.MessageRejected(_services.Logger, _deviceId, message.Kind.ToString(), why);
        _services.Rejections?.Invalid(_deviceId, message.Kind, _services.Options.ShardCount, why, message.Payload);
        Acknowledge(message);
    }

    private void Duplicate(DeviceMessage message)
    {
        _services.Counters.Duplicates.Increment();
        if (message.AckId is not null)
        {
            // A redelivery may overtake the write of its first copy (ingress gave up waiting for it):
            // acknowledge only once everything before it is stored.
            PersistAcked(message, _ => Task.CompletedTask);
        }
    }

    private void OnReport(DeviceMessage message)
    {
        _services.Counters.Reports.Increment();
        var decoded = WireCodec.DecodeReport(message.Payload.Span);
        if (!decoded.IsSuccess)
        {
            Reject(message, decoded.Error.Message);
            return;
        }

        Register(message);
        var report = decoded.Value;
        var epoch = report.Epoch ?? 0;
        if (!_reportMark.IsBefore(epoch, report.Seq))
        {
            Duplicate(message);
            return;
        }

        _reportMark = new SeqMark(epoch, report.Seq);
        _report = report;
        var json = Encoding.UTF8.GetString(message.Payload.Span);
        var health = Camel(report.Health.ToString());
        var update = new ReportedUpdate(json, epoch, report.Seq, health, report.Model?.Id, report.Model?.Version);
        _reported = new ReportedState(json, epoch, report.Seq, health, report.Model?.Id, report.Model?.Version, _services.Time.GetUtcNow());
        var id = _deviceId;
        PersistAcked(message, store => store.Twins.SetReportedAsync(id, update, CancellationToken.None));
        Reconcile(report);
    }

    /// <summary>
    /// Republishes desired state when the device reports an older desiredVersion it has not refused
    /// (it missed the retained copy, or its session was lost). At most once per reported version and
    /// <see cref="RepublishInterval"/>, so a slow device is not flooded.
    /// </summary>
    private void Reconcile(ReportMessage report)
    {
        if (_desired is not { } desired || report.DesiredVersion >= desired.Version)
        {
            return;
        }

        if (report.CannotApply is { } refused && refused.Version >= desired.Version)
        {
            return;
        }

        var now = _services.Time.GetUtcNow();
        if (_republishedFor == report.DesiredVersion && now - _republishedAt < RepublishInterval)
        {
            return;
        }

        _republishedFor = report.DesiredVersion;
        _republishedAt = now;
        var payload = Encoding.UTF8.GetBytes(desired.Json);
        var id = _deviceId;
        var publisher = _services.Publisher;
        var counters = _services.Counters;
        Persist(async _ =>
        {
            await publisher.PublishDesiredAsync(id, payload, CancellationToken.None).ConfigureAwait(false);
            counters.DesiredPublished.Increment();
        });
    }

    private void OnTelemetry(DeviceMessage message)
    {
        _services.Counters.Telemetry.Increment();
        var decoded = WireCodec.DecodeTelemetry(message.Payload.Span);
        if (!decoded.IsSuccess)
        {
            Reject(message, decoded.Error.Message);
            return;
        }

        Register(message);
        var telemetry = decoded.Value;
        var epoch = telemetry.Epoch ?? 0;
        if (!_telemetryMark.IsBefore(epoch, telemetry.Seq))
        {
            Duplicate(message);
            return;
        }

        _telemetryMark = new SeqMark(epoch, telemetry.Seq);
        (_metrics ??= new TwinMetrics()).Add(telemetry);
        RecordHistory(telemetry);
        var now = _services.Time.GetUtcNow();
        if (now - _lastTouched >= TouchInterval)
        {
            // Last seen is kept exact in memory; the store is stamped at most once a minute per device.
            _lastTouched = now;
            var id = _deviceId;
            Persist(store => store.Devices.TouchAsync(id, CancellationToken.None));
        }

        Acknowledge(message);
    }

    private void OnStatus(DeviceMessage message)
    {
        _services.Counters.Statuses.Increment();
        var decoded = WireCodec.DecodeStatus(message.Payload.Span);
        if (!decoded.IsSuccess)
        {
            Reject(message, decoded.Error.Message);
            return;
        }

        Register(message);
        var status = decoded.Value;
        if (status.Seq is { } seq)
        {
            var epoch = status.Epoch ?? 0;
            if (!_statusMark.IsBefore(epoch, seq))
            {
                Duplicate(message);
                return;
            }

            _statusMark = new SeqMark(epoch, seq);
        }

        _online = status.State == DeviceState.Online;
        var online = _online;
        var id = _deviceId;
        _lastTouched = _services.Time.GetUtcNow();
        PersistAcked(message, store => store.Devices.SetPresenceAsync(id, online, CancellationToken.None));
    }

    private void OnEvent(DeviceMessage message)
    {
        _services.Counters.Events.Increment();
        var decoded = WireCodec.DecodeEvent(message.Payload.Span);
        if (!decoded.IsSuccess)
        {
            Reject(message, decoded.Error.Message);
            return;
        }

        Register(message);
        var deviceEvent = decoded.Value;
        var epoch = deviceEvent.Epoch ?? 0;
        if (!_eventMark.IsBefore(epoch, deviceEvent.Seq))
        {
            Duplicate(message);
            return;
        }

        _eventMark = new SeqMark(epoch, deviceEvent.Seq);
        switch (deviceEvent)
        {
            case HealEvent heal:
                KeepWaveforms(heal);
                StoreHeal(heal, message);
                break;
            case UpdateEvent update:
                _lastUpdateJson = Encoding.UTF8.GetString(message.Payload.Span);
                StoreLastEvent(message, TwinEventKind.Update, _lastUpdateJson);
                if (update.Outcome == UpdateOutcome.RolledBack)
                {
                    ModelFailed(new ModelFailure("update", update.Reason ?? "update rolled back", update.ModelVersion));
                }

                break;
            case InsightEvent insight:
                StoreInsight(insight, message);
                break;
            case ValidationEvent:
                _lastValidationJson = Encoding.UTF8.GetString(message.Payload.Span);
                StoreLastEvent(message, TwinEventKind.Validation, _lastValidationJson);
                break;
            default:
                Acknowledge(message);
                break;
        }
    }

    private void StoreHeal(HealEvent heal, DeviceMessage message)
    {
        var payload = message.Payload;
        // The rungs are stored as the device sent them (already validated by WireCodec).
        using var document = JsonDocument.Parse(payload);
        var rungs = document.RootElement.TryGetProperty("rungs", out var rungsElement) ? rungsElement.GetRawText() : "[]";
        var remediation = heal.Outcome == HealOutcome.Healed && heal.Rungs.Count > 0 ? Camel(heal.Rungs[^1].Rung.ToString()) : null;
        var record = new HealEventRecord(
            _deviceId,
            heal.Id,
            _services.Time.GetUtcNow(),
            Camel(heal.Diagnosis.ToString()),
            heal.Trigger ?? "unknown",
            rungs,
            remediation,
            Camel(heal.Outcome.ToString()),
            heal.ModelVersion ?? _report?.Model?.Version ?? "unknown",
            heal.Ts);
        var self = Self;
        PersistAcked(message, async store =>
        {
            if (await store.HealEvents.AppendAsync(record, CancellationToken.None).ConfigureAwait(false))
            {
                self.Tell(new TwinInternal.HealStored(heal));
            }
        });
    }

    /// <summary>The latest update or validation event is written with the twin before it is acknowledged (a rollout reads it, on any node).</summary>
    private void StoreLastEvent(DeviceMessage message, TwinEventKind kind, string json)
    {
        var id = _deviceId;
        PersistAcked(message, store => store.Twins.SetLastEventAsync(id, kind, json, CancellationToken.None));
    }

    private void StoreInsight(InsightEvent insight, DeviceMessage message)
    {
        var payload = message.Payload;
        // Kept as sent (the wire codec validated it); the insight aggregator reads the region sketch from it.
        var record = new NewInsight(_deviceId, insight.ModelVersion ?? _report?.Model?.Version ?? "unknown", insight.Signature, Encoding.UTF8.GetString(payload.Span));
        PersistAcked(message, store => store.Insights.AppendAsync(record, CancellationToken.None));
    }

    private void OnHealStored(HealEvent heal)
    {
        var modelVersion = heal.ModelVersion ?? _report?.Model?.Version;
        if (modelVersion is not null)
        {
            _services.FleetSupervisor?.Tell(new HealObserved(_deviceId, Camel(heal.Diagnosis.ToString()), _report?.Model?.Id, modelVersion, Camel(heal.Outcome.ToString())));
        }

        if (heal.Outcome is HealOutcome.Unhealable or HealOutcome.BudgetExhausted)
        {
            ModelFailed(new ModelFailure("heal", $"{Camel(heal.Diagnosis.ToString())}: {Camel(heal.Outcome.ToString())}", modelVersion));
        }
    }

    private void ModelFailed(ModelFailure failure)
    {
        _modelSupervisor ??= Context.ActorOf(ModelSupervisor.Props(_services.SupervisionPolicy, _services.Time), "model");
        _modelSupervisor.Tell(failure, Self);
    }

    private static string Camel(string name) => JsonNamingPolicy.CamelCase.ConvertName(name);
}
