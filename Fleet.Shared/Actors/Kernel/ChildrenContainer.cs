using System.Globalization;

namespace Fleet.Shared.Actors.Kernel;

/// <summary>Live children: named ones in a dictionary by name; generated-name ones in an intrusive doubly-linked list
/// through the cells (no name string, no dictionary slot, no large array to regrow when a parent has a million).
/// Locked, because top-level actors are created from any thread.</summary>
internal sealed class ChildrenContainer
{
    private readonly Lock _gate = new();
    private Dictionary<string, ActorCell>? _named;
    private ActorCell? _generatedHead;
    private int _generatedCount;
    private bool _closed;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return (_named?.Count ?? 0) + _generatedCount;
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

            if (!child.HasGeneratedName)
            {
                return (_named ??= new(StringComparer.Ordinal)).TryAdd(child.Name, child);
            }

            child.NextSibling = _generatedHead;
            if (_generatedHead is not null)
            {
                _generatedHead.PreviousSibling = child;
            }

            _generatedHead = child;
            _generatedCount++;
            return true;
        }
    }

    public void Remove(ActorCell child)
    {
        lock (_gate)
        {
            if (child.HasGeneratedName)
            {
                if (IsLinked(child))
                {
                    Unlink(child);
                }
            }
            else if (_named is not null && _named.TryGetValue(child.Name, out var current) && ReferenceEquals(current, child))
            {
                _named.Remove(child.Name);
            }
        }
    }

    public bool Contains(ActorCell child)
    {
        lock (_gate)
        {
            if (child.HasGeneratedName)
            {
                return IsLinked(child);
            }

            return _named is not null && _named.TryGetValue(child.Name, out var current) && ReferenceEquals(current, child);
        }
    }

    public ActorCell? Get(string name)
    {
        lock (_gate)
        {
            if (name.StartsWith('$'))
            {
                if (!long.TryParse(name.AsSpan(1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var uid))
                {
                    return null;
                }

                // Generated names are rarely looked up; a scan keeps every child smaller instead.
                for (var child = _generatedHead; child is not null; child = child.NextSibling)
                {
                    if (child.Uid == uid)
                    {
                        return child;
                    }
                }

                return null;
            }

            return _named?.GetValueOrDefault(name);
        }
    }

    public ActorCell[] Snapshot()
    {
        lock (_gate)
        {
            return SnapshotLocked();
        }
    }

    /// <summary>Refuses further children and returns the current ones (for stopping).</summary>
    public ActorCell[] CloseAndSnapshot()
    {
        lock (_gate)
        {
            _closed = true;
            return SnapshotLocked();
        }
    }

    private ActorCell[] SnapshotLocked()
    {
        var all = new ActorCell[(_named?.Count ?? 0) + _generatedCount];
        _named?.Values.CopyTo(all, 0);
        var i = _named?.Count ?? 0;
        for (var child = _generatedHead; child is not null; child = child.NextSibling)
        {
            all[i++] = child;
        }

        return all;
    }

    private bool IsLinked(ActorCell child) =>
        child.PreviousSibling is not null || child.NextSibling is not null || ReferenceEquals(_generatedHead, child);

    private void Unlink(ActorCell child)
    {
        if (child.PreviousSibling is { } previous)
        {
            previous.NextSibling = child.NextSibling;
        }
        else
        {
            _generatedHead = child.NextSibling;
        }

        if (child.NextSibling is { } next)
        {
            next.PreviousSibling = child.PreviousSibling;
        }

        child.PreviousSibling = null;
        child.NextSibling = null;
        _generatedCount--;
    }
}
