using Fleet.Gateway.Twins;

namespace Fleet.Gateway.Ingress;

/// <summary>How ingress hands a device message to its twin, whatever hosts the twins.</summary>
/// <remarks>
/// Ingress knows nothing of the actor runtime: the composition root implements this over the device region.
/// <see cref="PersistAsync"/> completes once the twin has stored what the message requires (then ingress
/// acknowledges it) and throws when the twin could not (the exception says why; ingress decides whether the
/// reason can go away). It does not time out on its own; ingress bounds the wait.
/// </remarks>
internal interface ITwinDelivery
{
    /// <summary>Hands over a message nobody acknowledges (QoS 0).</summary>
    void Post(DeviceMessage message);

    /// <summary>Hands over a QoS 1 message (<see cref="DeviceMessage.AckId"/> set) and waits until the twin stored it.</summary>
    Task PersistAsync(DeviceMessage message, CancellationToken cancellationToken);
}
