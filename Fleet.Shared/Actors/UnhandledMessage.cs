namespace Fleet.Shared.Actors;

/// <summary>Published on the <see cref="EventStream"/> when an actor does not handle a message.</summary>
/// <param name="Message">The message.</param>
/// <param name="Sender">Its sender, if any.</param>
/// <param name="Recipient">The actor that did not handle it.</param>
public sealed record UnhandledMessage(object Message, IActorRef? Sender, IActorRef Recipient);
