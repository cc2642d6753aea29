namespace Fleet.Shared.Actors.Kernel;

/// <summary>The user guardian (<c>/user</c>): parent of every top-level actor; handles no messages itself.</summary>
internal sealed class GuardianActor : ActorBase
{
    protected override void OnReceive(object message) => Unhandled(message);
}
