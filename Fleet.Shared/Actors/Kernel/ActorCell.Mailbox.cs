namespace Fleet.Shared.Actors.Kernel;

/// <summary>Mailbox and dispatch: lock-free intrusive MPSC stacks reversed in batches, one work item per turn.</summary>
/// <remarks>
/// Producers push envelopes on a Treiber stack with one CAS; the consumer takes the whole stack with one exchange and
/// reverses it, which preserves the global push order (hence per-sender FIFO). A stopped actor swaps in a sentinel so
/// later pushes become dead letters. <c>_scheduled</c> guarantees a single consumer.
/// </remarks>
internal sealed partial class ActorCell
{
    private Envelope? _userStack;
    private Envelope? _userPending;
    private SystemMessage? _systemStack;
    private int _scheduled;

    private bool CanProcessUserMessages =>
        (_flags & (CellFlags.Created | CellFlags.Suspended | CellFlags.Terminating | CellFlags.Terminated)) == CellFlags.Created;

    public void Post(object message, IActorRef? sender) => Post(message, sender, bypassCapacity: false);

    /// <param name="message">The message.</param>
    /// <param name="sender">Its sender.</param>
    /// <param name="bypassCapacity">Kernel notifications (Terminated) are never rejected by a bounded mailbox.</param>
    public void Post(object message, IActorRef? sender, bool bypassCapacity)
    {
        if (_bounded is not null)
        {
            PostBounded(message, sender, bypassCapacity);
            return;
        }

        var envelope = new Envelope(message, sender);
        var head = Volatile.Read(ref _userStack);
        while (true)
        {
            if (ReferenceEquals(head, Envelope.Closed))
            {
                ToDeadLetters(envelope, DeadLetterReason.RecipientTerminated);
                return;
            }

            envelope.Next = head;
            var observed = Interlocked.CompareExchange(ref _userStack, envelope, head);
            if (ReferenceEquals(observed, head))
            {
                break;
            }

            head = observed;
        }

        TrySchedule();
    }

    public void PostSystem(SystemMessage message)
    {
        var head = Volatile.Read(ref _systemStack);
        while (true)
        {
            if (ReferenceEquals(head, SystemMessage.Closed))
            {
                HandleDeadSystemMessage(message);
                return;
            }

            message.Next = head;
            var observed = Interlocked.CompareExchange(ref _systemStack, message, head);
            if (ReferenceEquals(observed, head))
            {
                break;
            }

            head = observed;
        }

        TrySchedule();
    }

    public void Execute()
    {
        var previous = _running;
        _running = this;
        try
        {
            RunTurn();
        }
        finally
        {
            _running = previous;
        }

        // Still busy: queue the next turn without releasing the flag (fairness, not a handoff).
        if (HasPendingWork())
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            return;
        }

        Interlocked.Exchange(ref _scheduled, 0);
        if (HasPendingWork())
        {
            TrySchedule();
        }
    }

    /// <summary>Links a chain of (stashed) envelopes in front of the mailbox; actor turn only.</summary>
    public void PushFront(Envelope head, Envelope tail)
    {
        tail.Next = _userPending;
        _userPending = head;
    }

    public void ToDeadLetters(Envelope envelope, DeadLetterReason reason)
    {
        if (envelope.Message is not IKernelMessage)
        {
            System.PublishDeadLetter(new DeadLetter(envelope.Message, envelope.Sender, Self, reason));
        }
    }

    private void RunTurn()
    {
        if ((_flags & CellFlags.Created) == 0)
        {
            Create();
        }

        ProcessSystemMessages();
        for (var left = System.Throughput; left > 0 && CanProcessUserMessages; left--)
        {
            var envelope = DequeueUser();
            if (envelope is null)
            {
                return;
            }

            Invoke(envelope);
            if (Volatile.Read(ref _systemStack) is not null)
            {
                ProcessSystemMessages();
            }
        }
    }

    private void TrySchedule()
    {
        if (Volatile.Read(ref _scheduled) == 0 && Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
        {
            // From inside an actor turn, the woken actor runs next on this thread (warm caches, no wake-up);
            // idle threads steal from the local queue, so no actor waits behind a busy one.
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: _running is not null);
        }
    }

    private bool HasPendingWork()
    {
        var system = Volatile.Read(ref _systemStack);
        if (system is not null && !ReferenceEquals(system, SystemMessage.Closed))
        {
            return true;
        }

        if (!CanProcessUserMessages)
        {
            return false;
        }

        return _userPending is not null || (_bounded is null ? Volatile.Read(ref _userStack) is not null : _bounded.Count > 0);
    }

    private Envelope? DequeueUser()
    {
        var envelope = _userPending;
        if (envelope is not null)
        {
            _userPending = envelope.Next;
            return envelope;
        }

        if (_bounded is not null)
        {
            return _bounded.TryDequeue();
        }

        if (Volatile.Read(ref _userStack) is null)
        {
            return null;
        }

        var stack = Interlocked.Exchange(ref _userStack, null);
        Envelope? reversed = null;
        while (stack is not null)
        {
            var next = stack.Next;
            stack.Next = reversed;
            reversed = stack;
            stack = next;
        }

        _userPending = reversed!.Next;
        return reversed;
    }

    private void PostBounded(object message, IActorRef? sender, bool bypassCapacity)
    {
        var envelope = new Envelope(message, sender);
        switch (_bounded!.Enqueue(envelope, out var displaced, bypassCapacity))
        {
            case BoundedQueue.Outcome.Closed:
                ToDeadLetters(envelope, DeadLetterReason.RecipientTerminated);
                return;
            case BoundedQueue.Outcome.Rejected:
                ToDeadLetters(envelope, DeadLetterReason.MailboxFull);
                return;
        }

        if (displaced is not null)
        {
            ToDeadLetters(displaced, DeadLetterReason.DroppedOldest);
        }

        TrySchedule();
    }

    private void ProcessSystemMessages()
    {
        while ((_flags & CellFlags.Terminated) == 0 && Volatile.Read(ref _systemStack) is not null)
        {
            var stack = Interlocked.Exchange(ref _systemStack, null);
            SystemMessage? batch = null;
            while (stack is not null)
            {
                var next = stack.Next;
                stack.Next = batch;
                batch = stack;
                stack = next;
            }

            while (batch is not null)
            {
                var next = batch.Next;
                batch.Next = null;
                HandleSystemMessage(batch);
                batch = next;
            }
        }
    }

    /// <summary>Closes both mailboxes: queued user messages become dead letters, queued system messages are
    /// answered as by a dead actor.</summary>
    private void CloseMailboxes()
    {
        var pending = _userPending;
        _userPending = null;
        for (; pending is not null; pending = pending.Next)
        {
            ToDeadLetters(pending, DeadLetterReason.RecipientTerminated);
        }

        if (_bounded is not null)
        {
            foreach (var envelope in _bounded.Close())
            {
                ToDeadLetters(envelope, DeadLetterReason.RecipientTerminated);
            }
        }

        var stack = Interlocked.Exchange(ref _userStack, Envelope.Closed);
        Envelope? reversed = null;
        while (stack is not null)
        {
            var next = stack.Next;
            stack.Next = reversed;
            reversed = stack;
            stack = next;
        }

        for (; reversed is not null; reversed = reversed.Next)
        {
            ToDeadLetters(reversed, DeadLetterReason.RecipientTerminated);
        }

        var system = Interlocked.Exchange(ref _systemStack, SystemMessage.Closed);
        SystemMessage? batch = null;
        while (system is not null)
        {
            var next = system.Next;
            system.Next = batch;
            batch = system;
            system = next;
        }

        while (batch is not null)
        {
            var next = batch.Next;
            batch.Next = null;
            HandleDeadSystemMessage(batch);
            batch = next;
        }
    }
}
