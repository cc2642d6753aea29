using System.Text.Json;
using Fleet.Device.Simulation;
using Akka.Actor;
using Fleet.Device.Storage;
using Fleet.Device.Uplink;
using Fleet.Shared.Protocol;
using Fleet.Device.Core;

namespace Fleet.Device.Agent;

/// <summary>Commands on <c>fleet/v1/d/{id}/cmd</c>, answered on the MQTT 5 response topic with the correlation data.</summary>
internal sealed partial class ModelActor
{
    private void OnCommand(InboundMessage request, CommandRequest command)
    {
        var (ok, result, error) = command.Name switch
        {
            CommandNames.RestartModel => Restart(),
            CommandNames.Validate => ValidateNow(command),
            CommandNames.Rollback => RollBack(),
            CommandNames.ReportNow => ReportNow(),
            CommandNames.InjectFault when _runtime.IsSimulated => Inject(command),
            _ => (false, (JsonElement?)null, $"unknown command '{command.Name}'"),
        };
        _ = _runtime.Uplink.RespondAsync(request, command, ok, result, error).AsTask();
    }

    private (bool, JsonElement?, string?) Restart()
    {
        var (host, problem) = ModelBootstrap.StartActive(Catalog);
        if (host is null)
        {
            return (false, null, problem);
        }

        _core.Replace(host);
        Report();
        return (true, Json($"{{\"model\":\"{host.StoreKey}\"}}"), null);
    }

    private (bool, JsonElement?, string?) ValidateNow(CommandRequest command)
    {
        var result = _core.Host.Validate();
        Publish(new ValidationEvent
        {
            CommandId = command.Id,
            ModelVersion = _core.Host.Package.Card.ModelVersion,
            Verdict = result.Passed ? ValidationVerdict.Pass : ValidationVerdict.Fail,
            Cases = result.Cases,
            Failures = result.FailedCases,
            MaxError = float.IsFinite(result.MaxAbsError) ? result.MaxAbsError : null,
        });
        return (true, Json($"{{\"verdict\":\"{(result.Passed ? "pass" : "fail")}\",\"cases\":{result.Cases},\"failures\":{result.FailedCases}}}"), null);
    }

    private (bool, JsonElement?, string?) RollBack()
    {
        foreach (var (pointer, source) in new[] { (StorePointer.KnownGood, ModelSource.KnownGood), (StorePointer.Factory, ModelSource.Factory) })
        {
            var key = Catalog.Store.ReadPointer(pointer);
            if (!key.IsSuccess || key.Value == _core.Host.StoreKey)
            {
                continue;
            }

            var (host, _) = Inference.ModelCatalog.Start(Catalog.Load(key.Value!), source);
            if (host is not null && host.Validate().Passed)
            {
                _core.Replace(host);
                Catalog.Store.SetPointer(StorePointer.Active, host.StoreKey);
                _soak = null;
                Report();
                return (true, Json($"{{\"model\":\"{host.StoreKey}\"}}"), null);
            }

            host?.Dispose();
        }

        return (false, null, "no other verified version to roll back to");
    }

    private (bool, JsonElement?, string?) ReportNow()
    {
        Report();
        return (true, null, null);
    }

    private (bool, JsonElement?, string?) Inject(CommandRequest command)
    {
        var text = command.Args is { ValueKind: JsonValueKind.Object } args && args.TryGetProperty("fault", out var f) && f.ValueKind == JsonValueKind.String
            ? f.GetString()!
            : "";
        if (!Fault.TryParse(text, out var fault, out var problem))
        {
            return (false, null, problem);
        }

        // Through the mailbox, so a crash fault crashes after this answer is on its way.
        Self.Tell(new InjectFault(fault!));
        return (true, null, null);
    }

    private static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
