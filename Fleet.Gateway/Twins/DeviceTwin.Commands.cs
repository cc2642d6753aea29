using System.Globalization;
using System.Text.Json;
using Akka.Actor;
using Fleet.Shared.Protocol;
using Fleet.Shared.Diagnostics;
using Fleet.Gateway.Egress;

namespace Fleet.Gateway.Twins;

internal sealed partial class DeviceTwin
{
    private long _commandCounter;

    private void OnSendCommand(SendCommand command, IActorRef? replyTo)
    {
        var request = new CommandRequest
        {
            Id = string.Create(CultureInfo.InvariantCulture, $"c-{_services.Time.GetUtcNow().ToUnixTimeMilliseconds():x}-{++_commandCounter}"),
            Name = command.Name,
            Args = command.Args,
        };
        (_pendingCommands ??= new Dictionary<string, IActorRef?>(StringComparer.Ordinal))[request.Id] = replyTo;
        Timers.StartSingleTimer(("command", request.Id), new TwinInternal.CommandExpired(request.Id), _services.Options.CommandTimeout * 3);
        var id = _deviceId;
        var publisher = _services.Publisher;
        _tail = PublishCommandAsync(_tail, publisher, id, request, replyTo, Self);
    }

    /// <summary>Sends after the writes before it; a failed write earlier in the chain stays failed (see <see cref="Persist"/>).</summary>
    private static async Task<bool> PublishCommandAsync(Task<bool> previous, DevicePublisher publisher, string id, CommandRequest request, IActorRef? replyTo, IActorRef self)
    {
        var stored = await previous.ConfigureAwait(false);
        try
        {
            await publisher.PublishCommandAsync(id, request, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (!ex.IsFatal())
        {
            // A command that cannot be sent fails its caller; the twin itself is fine.
            replyTo?.Tell(new Status.Failure(ex), self);
        }

        return stored;
    }

    private void OnCommandResult(DeviceMessage message)
    {
        _services.Counters.CommandResults.Increment();
        var decoded = WireCodec.DecodeCommandResult(message.Payload.Span);
        if (!decoded.IsSuccess)
        {
            Reject(message, decoded.Error.Message);
            return;
        }

        Register(message);
        var result = decoded.Value;
        if (_pendingCommands is not null && _pendingCommands.Remove(result.Id, out var pending))
        {
            Timers.Cancel(("command", result.Id));
            pending?.Tell(result, Self);
        }

        Acknowledge(message);
    }

    private void OnSetQuarantine(SetQuarantine request, IActorRef? replyTo)
    {
        if (!_registered)
        {
            replyTo?.Tell(false, Self);
            return;
        }

        _quarantined = request.Reason is not null;
        _quarantineReason = request.Reason;
        if (!_quarantined && _modelSupervisor is not null)
        {
            // A release gives the device a fresh restart budget.
            _modelSupervisor.Tell(ResetModelBudget.Instance, Self);
            _supervision = null;
        }
        var id = _deviceId;
        var reason = request.Reason;
        var actor = request.Actor;
        var self = Self;
        Persist(async store =>
        {
            var changed = await store.Devices.SetQuarantineAsync(id, reason, CancellationToken.None).ConfigureAwait(false);
            var details = JsonSerializer.Serialize(new Dictionary<string, string?> { ["reason"] = reason });
            await store.Audit.AppendAsync(actor, reason is null ? "device.release" : "device.quarantine", id, details, CancellationToken.None).ConfigureAwait(false);
            replyTo?.Tell(changed, self);
        }, replyTo);
    }

    private void OnSupervisorDecision(ModelSupervisorDecision decision)
    {
        _supervision = decision.State;
        if (decision.Command is { } name)
        {
            // The supervisor's own commands are fire-and-forget: the device's next report and events tell the outcome.
            OnSendCommand(new SendCommand(_deviceId, name, null), replyTo: null);
            var id = _deviceId;
            Persist(store => store.Audit.AppendAsync("model-supervisor", "device.command." + name, id, JsonSerializer.Serialize(new Dictionary<string, string> { ["reason"] = decision.Reason }), CancellationToken.None));
        }

        if (decision.Quarantine && !_quarantined)
        {
            OnSetQuarantine(new SetQuarantine(_deviceId, decision.Reason, "model-supervisor"), replyTo: null);
            _services.FleetSupervisor?.Tell(new DeviceEscalated(_deviceId, decision.Reason));
        }
    }

    private TwinSnapshot Snapshot()
    {
        var desiredModel = _desiredMessage?.Model?.Version;
        var reportedModel = _report?.Model?.Version;
        var desiredVersion = _desired?.Version ?? 0;
        var reportedDesired = _report?.DesiredVersion ?? 0;
        var refusal = _report?.CannotApply is { } cannot && cannot.Version >= desiredVersion && desiredVersion > 0 ? cannot.Reason : null;
        var inSync = reportedDesired >= desiredVersion && refusal is null;
        var last = _metrics?.Last;
        return new TwinSnapshot(
            _deviceId,
            _shard,
            _registered,
            _online,
            _lastSeen,
            _quarantined,
            _quarantineReason,
            desiredVersion,
            _desired?.Json,
            _reported?.Json,
            new TwinDelta(inSync, inSync ? 0 : desiredVersion, reportedDesired, desiredModel, reportedModel, refusal),
            new TwinHealth(_reported?.Health, last?.Kl, _metrics?.KlMean, last?.KlThreshold, last?.LatencyP99Us, _metrics?.LatencyP99Mean, last?.Heals, _metrics?.Count ?? 0, last?.TemperatureC),
            _lastUpdateJson,
            _lastValidationJson,
            _supervision);
    }
}
