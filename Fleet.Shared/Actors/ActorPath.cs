using System.Text;

namespace Fleet.Shared.Actors;

/// <summary>The location of an actor: <c>fleet://system/user/parent/child</c>, plus its incarnation uid.</summary>
/// <remarks>Path equality compares the elements only; <see cref="IActorRef"/> equality adds the <see cref="Uid"/>.</remarks>
public sealed class ActorPath : IEquatable<ActorPath>
{
    private ActorPath(string systemName)
    {
        SystemName = systemName;
        Name = string.Empty;
    }

    private ActorPath(ActorPath parent, string name, long uid)
    {
        SystemName = parent.SystemName;
        Parent = parent;
        Name = name;
        Uid = uid;
    }

    /// <summary>The actor system's name.</summary>
    public string SystemName { get; }

    /// <summary>The parent path, or <see langword="null"/> for the root.</summary>
    public ActorPath? Parent { get; }

    /// <summary>The last element (empty for the root).</summary>
    public string Name { get; }

    /// <summary>The incarnation id; 0 for the root and for paths built without one.</summary>
    public long Uid { get; }

    internal static ActorPath Root(string systemName) => new(systemName);

    internal ActorPath Child(string name, long uid) => new(this, name, uid);

    /// <inheritdoc />
    public bool Equals(ActorPath? other)
    {
        var a = this;
        var b = other;
        while (a is not null && b is not null)
        {
            if (ReferenceEquals(a, b))
            {
                return true;
            }

            if (!string.Equals(a.Name, b.Name, StringComparison.Ordinal))
            {
                return false;
            }

            a = a.Parent;
            b = b.Parent;
        }

        return a is null && b is null && string.Equals(SystemName, other!.SystemName, StringComparison.Ordinal);
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ActorPath other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        for (var p = this; p is not null; p = p.Parent)
        {
            hash.Add(p.Name, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    /// <summary><c>fleet://system/user/a/b</c>.</summary>
    public override string ToString()
    {
        var elements = new List<string>();
        for (var p = this; p.Parent is not null; p = p.Parent)
        {
            elements.Add(p.Name);
        }

        var builder = new StringBuilder("fleet://").Append(SystemName);
        for (var i = elements.Count - 1; i >= 0; i--)
        {
            builder.Append('/').Append(elements[i]);
        }

        return builder.ToString();
    }
}
