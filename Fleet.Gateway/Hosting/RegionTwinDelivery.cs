using Fleet.Gateway.Ingress;
using Fleet.Gateway.Twins;
using Fleet.Shared.Actors;

namespace Fleet.Gateway.Hosting;

/// <summary>Ingress's delivery to twins over the device shard region: tell for QoS 0, ask for <see cref="Persisted"/> for QoS 1.</summary>
/// <param name="region">The device region.</param>
/// <param name="patience">How long an ask may stay open; ingress gives up sooner (its acknowledge timeout), this only bounds the promise.</param>
internal sealed class RegionTwinDelivery(IActorRef region, TimeSpan patience) : ITwinDelivery
{
    public void Post(DeviceMessage message) => region.Tell(message);

    public Task PersistAsync(DeviceMessage message, CancellationToken cancellationToken) =>
        region.Ask<Persisted>(message, patience, cancellationToken);
}
