using System.Globalization;

namespace Fleet.Shared.Actors.Kernel;

/// <summary>Live children: named ones by name, generated-name ones by uid (no name string is ever built for them).
/// Locked, because top-level actors are created from any thread.</summary>
internal sealed class ChildrenContainer
{
    private readonly Lock _gate = new();
    private Dictionary<string, ActorCell>? _named;
    private Dictionary<long, ActorCell>? _generated;
    private bool _closed;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return (_named?.Count ?? 0) + (_generated?.Count ?? 0);
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

            return child.HasGeneratedName
                ? (_generated ??= []).TryAdd(child.Uid, child)
                : (_named ??= new(StringComparer.Ordinal)).TryAdd(child.Name, child);
        }
    }

    public void Remove(ActorCell child)
    {
        lock (_gate)
        {
            if (child.HasGeneratedName)
            {
                _generated?.Remove(child.Uid);
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
            ActorCell? current = null;
            var found = child.HasGeneratedName
                ? _generated?.TryGetValue(child.Uid, out current)
                : _named?.TryGetValue(child.Name, out current);
            return found == true && ReferenceEquals(current, child);
        }
    }

    public ActorCell? Get(string name)
    {
        lock (_gate)
        {
            if (name.StartsWith('$'))
            {
                return long.TryParse(name.AsSpan(1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var uid)
                    ? _generated?.GetValueOrDefault(uid)
                    : null;
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
        var all = new ActorCell[(_named?.Count ?? 0) + (_generated?.Count ?? 0)];
        _named?.Values.CopyTo(all, 0);
        _generated?.Values.CopyTo(all, _named?.Count ?? 0);
        return all;
    }
}
