using System.Text;
using System.Text.Json;
using Fleet.Gateway.Store;
using Fleet.Gateway.Store.Twins;
using Akka.Actor;
using Fleet.Shared.Protocol;
using Fleet.Gateway.Egress;
using WireDesired = Fleet.Shared.Protocol.DesiredState;

namespace Fleet.Gateway.Twins;

internal sealed partial class DeviceTwin
{
    private void OnSetDesired(SetDesired request, IActorRef replyTo)
    {
        if (!_registered)
        {
            replyTo.Tell(new DesiredOutcome(DesiredStatus.UnknownDevice, 0), Self);
            return;
        }

        if (request.Model is not null && _quarantined)
        {
            // A quarantined device gets no new models until an operator releases it.
            replyTo.Tell(new DesiredOutcome(DesiredStatus.Quarantined, _desired?.Version ?? 0), Self);
            return;
        }

        var id = _deviceId;
        var self = Self;
        var publisher = _services.Publisher;
        var counters = _services.Counters;
        var now = _services.Time.GetUtcNow();
        Persist(async store =>
        {
            var outcome = await WriteDesiredAsync(store, publisher, id, request, now).ConfigureAwait(false);
            if (outcome.Stored is { } stored)
            {
                counters.DesiredPublished.Increment();
                self.Tell(new TwinInternal.DesiredStored(stored));
            }

            replyTo.Tell(outcome.Result, self);
        }, replyTo);
    }

    /// <summary>
    /// Merges the request onto the stored desired state (an absent part stays as it is), stores it with
    /// optimistic concurrency, publishes it retained and audits it. Runs in the twin's write chain, so
    /// writes of one twin never interleave.
    /// </summary>
    private static async Task<(DesiredOutcome Result, Store.Twins.DesiredState? Stored)> WriteDesiredAsync(
        IFleetStore store, DevicePublisher publisher, string id, SetDesired request, DateTimeOffset now)
    {
        var twin = await store.Twins.GetAsync(id, CancellationToken.None).ConfigureAwait(false);
        if (twin is null)
        {
            return (new DesiredOutcome(DesiredStatus.UnknownDevice, 0), null);
        }

        var current = twin.Desired;
        var currentVersion = current?.Version ?? 0;
        var expected = request.ExpectedVersion ?? currentVersion;
        if (expected != currentVersion)
        {
            return (new DesiredOutcome(DesiredStatus.VersionConflict, currentVersion), null);
        }

        var previous = current is null ? null : WireCodec.DecodeDesired(Encoding.UTF8.GetBytes(current.Json)) is { IsSuccess: true } ok ? ok.Value : null;
        var next = new WireDesired
        {
            Version = expected + 1,
            Ts = now,
            Model = request.Model ?? previous?.Model,
            Thresholds = request.Thresholds ?? previous?.Thresholds,
        };
        var payload = WireCodec.Encode(next);
        var json = Encoding.UTF8.GetString(payload);
        var written = await store.Twins.SetDesiredAsync(id, expected, json, CancellationToken.None).ConfigureAwait(false);
        if (!written.Succeeded)
        {
            var status = written.Status == DesiredWriteStatus.VersionConflict ? DesiredStatus.VersionConflict : DesiredStatus.UnknownDevice;
            return (new DesiredOutcome(status, written.Version), null);
        }

        await publisher.PublishDesiredAsync(id, payload, CancellationToken.None).ConfigureAwait(false);
        var details = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["version"] = written.Version,
            ["modelId"] = next.Model?.Id,
            ["modelVersion"] = next.Model?.Version,
            ["allowRollback"] = next.Model?.AllowRollback,
            ["klMax"] = next.Thresholds?.KlMax,
        });
        await store.Audit.AppendAsync(request.Actor, "device.setDesired", id, details, CancellationToken.None).ConfigureAwait(false);
        return (new DesiredOutcome(DesiredStatus.Written, written.Version), new Store.Twins.DesiredState(written.Version, json, now));
    }
}
