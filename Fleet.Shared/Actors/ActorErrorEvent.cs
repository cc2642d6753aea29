namespace Fleet.Shared.Actors;

/// <summary>Published on the <see cref="EventStream"/> for every actor failure a supervisor handles, and for errors
/// in lifecycle hooks that cannot be supervised (<c>PostStop</c>).</summary>
/// <param name="Source">The failing actor.</param>
/// <param name="Cause">The exception.</param>
/// <param name="Message">What the kernel did about it.</param>
public sealed record ActorErrorEvent(IActorRef Source, Exception Cause, string Message);
