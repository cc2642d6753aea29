namespace Fleet.Tests.Actors.Support;

/// <summary>The reply to <see cref="Ping"/>.</summary>
public sealed class Pong
{
    public static readonly Pong Instance = new();
}
