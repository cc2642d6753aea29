namespace Fleet.Shared.Actors;

/// <summary>Delivered when no message arrived for the duration set by <see cref="IActorContext.SetReceiveTimeout"/>.</summary>
/// <remarks>It repeats after every further idle period until the timeout is cleared.</remarks>
public sealed class ReceiveTimeout : INotInfluenceReceiveTimeout
{
    private ReceiveTimeout()
    {
    }

    /// <summary>The single instance.</summary>
    public static ReceiveTimeout Instance { get; } = new();
}
