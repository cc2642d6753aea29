namespace Fleet.Tests.Actors.Support;

/// <summary>Answered with <see cref="Pong"/> by every test actor (see <see cref="ActorTestBase.SettleAsync"/>).</summary>
public sealed class Ping
{
    public static readonly Ping Instance = new();
}
