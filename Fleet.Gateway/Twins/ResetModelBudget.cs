namespace Fleet.Gateway.Twins;

/// <summary>An operator released the device: the model supervisor starts with a full budget.</summary>
internal sealed class ResetModelBudget : Akka.Actor.INoSerializationVerificationNeeded
{
    public static readonly ResetModelBudget Instance = new();

    private ResetModelBudget()
    {
    }
}
