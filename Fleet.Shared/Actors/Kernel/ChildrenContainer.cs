namespace Fleet.Shared.Actors.Kernel;

/// <summary>Live children by name. Locked, because top-level actors are created from any thread.</summary>
internal sealed class ChildrenContainer
{
    private readonly Dictionary<string, ActorCell> _byName = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private bool _closed;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byName.Count;
            }
        }
    }

    /// <returns><see langword="false"/> when the name is taken.</returns>
    /// <exception cref="InvalidOperationException">The parent is stopping.</exception>
    public bool TryAdd(ActorCell child)
    {
        lock (_gate)
        {
            if (_closed)
            {
                throw new InvalidOperationException($"{child.Path.Parent} is stopping and accepts no new children.");
            }

            return _byName.TryAdd(child.Name, child);
        }
    }

    public void Remove(ActorCell child)
    {
        lock (_gate)
        {
            if (_byName.TryGetValue(child.Name, out var current) && ReferenceEquals(current, child))
            {
                _byName.Remove(child.Name);
            }
        }
    }

    public bool Contains(ActorCell child)
    {
        lock (_gate)
        {
            return _byName.TryGetValue(child.Name, out var current) && ReferenceEquals(current, child);
        }
    }

    public ActorCell? Get(string name)
    {
        lock (_gate)
        {
            return _byName.GetValueOrDefault(name);
        }
    }

    public ActorCell[] Snapshot()
    {
        lock (_gate)
        {
            return [.. _byName.Values];
        }
    }

    /// <summary>Refuses further children and returns the current ones (for stopping).</summary>
    public ActorCell[] CloseAndSnapshot()
    {
        lock (_gate)
        {
            _closed = true;
            return [.. _byName.Values];
        }
    }
}
