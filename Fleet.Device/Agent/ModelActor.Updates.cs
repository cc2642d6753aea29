using Fleet.Device.Inference;
using Fleet.Device.Storage;
using Fleet.Device.Updates;
using Akka.Actor;
using Fleet.Shared.Protocol;
using Fleet.Device.Core;

namespace Fleet.Device.Agent;

/// <summary>Desired state: thresholds, and model updates staged → validated → activated → soaked → committed (or rolled back).</summary>
internal sealed partial class ModelActor
{
    private void OnInbound(Inbound inbound)
    {
        var message = inbound.Message;
        var address = Topics.Parse(message.Topic);
        if (!address.IsSuccess || address.Value.DeviceId != _runtime.DeviceId)
        {
            DeviceLog.Ignored(_runtime.Logger, _runtime.DeviceId, message.Topic, "not one of this device's topics");
            return;
        }

        switch (address.Value.Kind)
        {
            case TopicKind.Desired:
                var desired = WireCodec.DecodeDesired(message.Payload.Span);
                if (desired.IsSuccess)
                {
                    OnDesired(desired.Value!);
                }
                else
                {
                    DeviceLog.Ignored(_runtime.Logger, _runtime.DeviceId, message.Topic, desired.Error!.ToString());
                }

                break;
            case TopicKind.Command:
                var command = WireCodec.DecodeCommand(message.Payload.Span);
                if (command.IsSuccess)
                {
                    OnCommand(message, command.Value!);
                }
                else
                {
                    DeviceLog.Ignored(_runtime.Logger, _runtime.DeviceId, message.Topic, command.Error!.ToString());
                }

                break;
        }
    }

    private void OnDesired(DesiredState desired)
    {
        if (desired.Version <= _state.DesiredVersion || desired.Version <= _fetching)
        {
            return;
        }

        if (desired.Thresholds is { } thresholds)
        {
            _core.Watchdog.KlOverride = thresholds.KlMax;
            _core.Watchdog.InputShiftOverride = thresholds.InputShiftMax;
            _state = _state with { KlMax = thresholds.KlMax, InputShiftMax = thresholds.InputShiftMax };
        }

        var card = _core.Host.Package.Card;
        if (desired.Model is not { } model || (model.Id == card.Id && Shared.Models.Packaging.ModelVersions.Compare(model.Version, card.ModelVersion) == 0))
        {
            Processed(desired.Version, null);
            return;
        }

        if (_soak is not null)
        {
            Processed(desired.Version, "an update is still soaking; the gateway should retry after it commits or rolls back");
            return;
        }

        _fetching = desired.Version;
        _updater.FetchAndStageAsync(desired.Version, model, card.Id, card.ModelVersion, CancellationToken.None)
            .ContinueWith(t => new UpdateFetched(t.IsCompletedSuccessfully ? t.Result : StagedUpdate.Refused(desired.Version, t.Exception?.GetBaseException().Message ?? "cancelled")), TaskScheduler.Default)
            .PipeTo(Self);
    }

    private void OnFetched(UpdateFetched fetched)
    {
        var update = fetched.Update;
        _fetching = 0;
        if (update.DesiredVersion <= _state.DesiredVersion)
        {
            return;
        }

        if (!update.IsStaged)
        {
            UpdateOutcomeEvent(update.DesiredVersion, null, UpdateOutcome.Refused, update.Refusal!);
            Processed(update.DesiredVersion, update.Refusal);
            return;
        }

        var version = update.Package!.Card.ModelVersion;
        var (host, problem) = ModelCatalog.Start(Catalog.Load(update.StoreKey!), ModelSource.Active);
        if (host is not null)
        {
            var validation = host.Validate();
            if (!validation.Passed)
            {
                host.Dispose();
                host = null;
                problem = validation.Message;
            }
        }

        if (host is null)
        {
            var reason = $"golden validation refused the staged model: {problem}";
            UpdateOutcomeEvent(update.DesiredVersion, version, UpdateOutcome.RolledBack, reason);
            Processed(update.DesiredVersion, reason);
            return;
        }

        var previous = _core.Host.StoreKey;
        _core.Replace(host);
        Catalog.Store.SetPointer(StorePointer.Active, host.StoreKey);
        _soak = new SoakWatch(update.DesiredVersion, host.StoreKey, previous, version, _runtime.SoakWindows);
        DeviceLog.Update(_runtime.Logger, _runtime.DeviceId, update.DesiredVersion, "activated", $"{host.StoreKey}, soaking for {_runtime.SoakWindows} window(s)");
        Processed(update.DesiredVersion, null);
    }

    private void Soak(WindowOutcome outcome)
    {
        if (_soak is not { } soak)
        {
            return;
        }

        if (outcome.Episode is not null || _core.Host.StoreKey != soak.NewKey)
        {
            _soak = null;
            var reason = outcome.Episode?.Heal is { } heal
                ? $"heal {heal.Id} ({heal.Diagnosis}) during the soak"
                : "a quality failure during the soak";
            if (_core.Host.StoreKey == soak.NewKey || outcome.Episode?.Replacement is null)
            {
                var (host, _) = ModelCatalog.Start(Catalog.Load(soak.PreviousKey), ModelSource.KnownGood);
                if (host is not null && host.Validate().Passed)
                {
                    _core.Replace(host);
                }
                else
                {
                    host?.Dispose();
                }
            }

            Catalog.Store.SetPointer(StorePointer.Active, _core.Host.StoreKey);
            UpdateOutcomeEvent(soak.DesiredVersion, soak.ModelVersion, UpdateOutcome.RolledBack, reason);
            Report();
            return;
        }

        if (soak.WindowsLeft > 1)
        {
            _soak = soak with { WindowsLeft = soak.WindowsLeft - 1 };
            return;
        }

        _soak = null;
        Catalog.Store.SetPointer(StorePointer.KnownGood, soak.NewKey);
        UpdateOutcomeEvent(soak.DesiredVersion, soak.ModelVersion, UpdateOutcome.Committed, $"no heal in {_runtime.SoakWindows} window(s)");
        Report();
    }

    private void Processed(long desiredVersion, string? cannotApply)
    {
        _state = _state with
        {
            DesiredVersion = Math.Max(_state.DesiredVersion, desiredVersion),
            CannotApplyVersion = cannotApply is null ? null : desiredVersion,
            CannotApplyReason = cannotApply,
        };
        _stateFile.Save(_state);
        Report();
    }

    private void UpdateOutcomeEvent(long desiredVersion, string? modelVersion, UpdateOutcome outcome, string reason)
    {
        DeviceLog.Update(_runtime.Logger, _runtime.DeviceId, desiredVersion, outcome.ToString(), reason);
        Publish(new UpdateEvent { DesiredVersion = desiredVersion, ModelVersion = modelVersion, Outcome = outcome, Reason = reason });
    }
}
