namespace Fleet.Shared.Actors;

/// <summary>Marks messages that do not count as activity for <see cref="IActorContext.SetReceiveTimeout"/>.</summary>
#pragma warning disable CA1040 // A marker interface is the Akka-shaped way to tag message types.
public interface INotInfluenceReceiveTimeout;
#pragma warning restore CA1040
