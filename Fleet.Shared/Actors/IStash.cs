namespace Fleet.Shared.Actors;

/// <summary>Set messages aside and put them back in front of the mailbox later, in their original order.</summary>
/// <remarks>
/// Stashed messages survive a restart (they are put back in front of the mailbox for the new instance) and become
/// dead letters when the actor stops.
/// </remarks>
public interface IStash
{
    /// <summary>Stashes the message being processed.</summary>
    /// <exception cref="InvalidOperationException">Called outside message processing or twice for one message.</exception>
    void Stash();

    /// <summary>Puts the oldest stashed message back in front of the mailbox.</summary>
    void Unstash();

    /// <summary>Puts all stashed messages back in front of the mailbox, oldest first.</summary>
    void UnstashAll();

    /// <summary>Discards all stashed messages (they become dead letters) and returns how many there were.</summary>
    int ClearStash();

    /// <summary>Number of stashed messages.</summary>
    int Count { get; }
}
