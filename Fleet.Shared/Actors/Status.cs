namespace Fleet.Shared.Actors;

/// <summary>Replies that carry an outcome rather than a value (Akka's <c>Status</c>).</summary>
public static class Status
{
    /// <summary>A failed operation; an <c>Ask</c> that receives it throws <see cref="Cause"/>.</summary>
    /// <param name="Cause">Why it failed.</param>
#pragma warning disable CA1034 // Nested like Akka's Status.Failure so call sites port unchanged.
    public sealed record Failure(Exception Cause);

    /// <summary>A successful operation without a more specific reply.</summary>
    /// <param name="Value">Optional payload.</param>
    public sealed record Success(object? Value);
#pragma warning restore CA1034
}
