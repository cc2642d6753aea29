using Akka.Actor;
using Fleet.Gateway.Store.Devices;
using StoredDesired = Fleet.Gateway.Store.Twins.DesiredState;
using Fleet.Shared.Protocol;

namespace Fleet.Gateway.Twins;

/// <summary>Messages a twin sends itself (store work completed, timers) and its shard's stop message; they never leave the node.</summary>
internal static class TwinInternal
{
    /// <summary>The twin's state as the store holds it (both null for a device never seen).</summary>
    public sealed record Loaded(DeviceRecord? Device, Store.Twins.TwinRecord? Twin, Store.Healing.HealWaveforms? Waveforms = null) : INoSerializationVerificationNeeded;

    /// <summary>A store write or publication failed: the twin fails so its supervisor restarts and rehydrates it.</summary>
    public sealed record PersistFailed(Exception Cause) : INoSerializationVerificationNeeded;

    /// <summary>Desired state was stored and published.</summary>
    public sealed record DesiredStored(StoredDesired Desired) : INoSerializationVerificationNeeded;

    /// <summary>A heal episode was stored for the first time (not a redelivery).</summary>
    public sealed record HealStored(HealEvent Event) : INoSerializationVerificationNeeded;

    /// <summary>The region's stop message for an idle twin: stop once every write already queued is done.</summary>
    public sealed class Passivate : INoSerializationVerificationNeeded
    {
        public static readonly Passivate Instance = new();

        private Passivate()
        {
        }
    }

    /// <summary>The writes queued before <see cref="Passivate"/> are done; the twin stops.</summary>
    public sealed record Drained : INoSerializationVerificationNeeded;

    /// <summary>A command got no answer in time; forget it.</summary>
    public sealed record CommandExpired(string CommandId) : INoSerializationVerificationNeeded;

    /// <summary>The twin's idle timer (on the gateway's <see cref="TimeProvider"/>) ticked: passivate when idle long enough.</summary>
    public sealed class IdleCheck : INoSerializationVerificationNeeded
    {
        public static readonly IdleCheck Instance = new();

        private IdleCheck()
        {
        }
    }
}
