namespace Fleet.Shared.Actors.Kernel;

/// <summary>The queue of a bounded mailbox; a short lock per operation makes drop-oldest atomic.</summary>
internal sealed class BoundedQueue(int capacity, MailboxOverflow overflow)
{
    private readonly Queue<Envelope> _queue = new();
    private readonly Lock _gate = new();
    private bool _closed;

    public enum Outcome
    {
        Enqueued,
        Rejected,
        Closed,
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <param name="envelope">The message.</param>
    /// <param name="displaced">The oldest message, dropped to make room.</param>
    /// <param name="bypassCapacity">For kernel notifications (Terminated) that must never be dropped.</param>
    public Outcome Enqueue(Envelope envelope, out Envelope? displaced, bool bypassCapacity = false)
    {
        displaced = null;
        lock (_gate)
        {
            if (_closed)
            {
                return Outcome.Closed;
            }

            if (_queue.Count >= capacity && !bypassCapacity)
            {
                if (overflow == MailboxOverflow.RejectToDeadLetters)
                {
                    return Outcome.Rejected;
                }

                displaced = _queue.Dequeue();
            }

            _queue.Enqueue(envelope);
            return Outcome.Enqueued;
        }
    }

    public Envelope? TryDequeue()
    {
        lock (_gate)
        {
            return _queue.TryDequeue(out var envelope) ? envelope : null;
        }
    }

    /// <summary>Refuses further messages and returns those still queued.</summary>
    public Envelope[] Close()
    {
        lock (_gate)
        {
            _closed = true;
            var remaining = _queue.ToArray();
            _queue.Clear();
            return remaining;
        }
    }
}
