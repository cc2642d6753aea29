
namespace Fleet.Gateway.Twins;

/// <summary>What the model supervisor orders its twin to do: send <see cref="Command"/>, or quarantine the device.</summary>
internal sealed record ModelSupervisorDecision(string? Command, bool Quarantine, string Reason, ModelSupervisorState State) : Akka.Actor.INoSerializationVerificationNeeded;
