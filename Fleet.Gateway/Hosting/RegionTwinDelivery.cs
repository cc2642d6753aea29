using Akka.Actor;
using Fleet.Gateway.Ingress;
using Fleet.Gateway.Twins;

namespace Fleet.Gateway.Hosting;

/// <summary>Ingress's delivery to twins over the device shard region: tell for QoS 0, ask for <see cref="Persisted"/> for QoS 1.</summary>
/// <param name="region">The device region.</param>
/// <param name="patience">How long an ask may stay open; ingress gives up sooner (its acknowledge timeout), this only bounds the promise.</param>
internal sealed class RegionTwinDelivery(IActorRef region, TimeSpan patience) : ITwinDelivery
{
    public void Post(DeviceMessage message) => region.Tell(message, ActorRefs.NoSender);

    /// <remarks>A twin's <see cref="Status.Failure"/> answer (or the dead-letter answer for a stopped twin) is thrown as its cause.</remarks>
    public async Task PersistAsync(DeviceMessage message, CancellationToken cancellationToken)
    {
        // A cancelled wait must not still send: the message would reach its twin after ingress gave up on it.
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            await region.Ask<Persisted>(message, patience, cancellationToken).ConfigureAwait(false);
        }
        catch (AskTimeoutException ex)
        {
            throw new TimeoutException($"{message.DeviceId}: no answer from the twin within {patience}", ex);
        }
    }
}
