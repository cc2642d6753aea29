namespace Fleet.Shared.Actors.Kernel;

/// <summary>An actor's stash: envelopes set aside and later linked back in front of the mailbox.</summary>
internal sealed class StashBuffer(ActorCell cell) : IStash
{
    private readonly Queue<Envelope> _stashed = new();
    private Envelope? _lastStashed;

    public int Count => _stashed.Count;

    public void Stash()
    {
        var current = cell.CurrentEnvelope ?? throw new InvalidOperationException("Stash() is only valid while processing a message.");
        if (ReferenceEquals(current, _lastStashed))
        {
            throw new InvalidOperationException("The current message is already stashed.");
        }

        _lastStashed = current;
        _stashed.Enqueue(current);
    }

    public void Unstash()
    {
        if (_stashed.TryDequeue(out var envelope))
        {
            cell.PushFront(envelope, envelope);
        }
    }

    public void UnstashAll()
    {
        if (_stashed.Count == 0)
        {
            return;
        }

        Envelope? head = null;
        Envelope? tail = null;
        while (_stashed.TryDequeue(out var envelope))
        {
            if (tail is null)
            {
                head = envelope;
            }
            else
            {
                tail.Next = envelope;
            }

            tail = envelope;
        }

        cell.PushFront(head!, tail!);
    }

    public int ClearStash()
    {
        var count = _stashed.Count;
        while (_stashed.TryDequeue(out var envelope))
        {
            cell.ToDeadLetters(envelope, DeadLetterReason.RecipientTerminated);
        }

        return count;
    }
}
