namespace Fleet.Shared.Actors;

/// <summary>A user message that stops the recipient once the messages queued before it are processed.</summary>
public sealed class PoisonPill
{
    private PoisonPill()
    {
    }

    /// <summary>The single instance.</summary>
    public static PoisonPill Instance { get; } = new();
}
