namespace Fleet.Shared.Actors.Supervision;

/// <summary>Reply to <see cref="GetCurrentChild"/>.</summary>
/// <param name="Ref">The running child, or <see langword="null"/> while a restart is pending.</param>
public sealed record CurrentChild(IActorRef? Ref);
