using System.Collections.Concurrent;
using Akka.Cluster;

namespace Fleet.Gateway.Cluster;

/// <summary>
/// When this node saw each member become Up (Akka's members carry an age order but no time): the node's own start,
/// and for members already Up when it joined, the moment it learnt of them. Written by <see cref="MemberUpWatcher"/>.
/// </summary>
internal sealed class MemberUpTimes
{
    private readonly ConcurrentDictionary<UniqueAddress, DateTimeOffset> _since = new();

    public void Up(UniqueAddress member, DateTimeOffset now) => _since.TryAdd(member, now);

    public void Removed(UniqueAddress member) => _since.TryRemove(member, out _);

    public DateTimeOffset? Since(UniqueAddress member) => _since.TryGetValue(member, out var since) ? since : null;
}
