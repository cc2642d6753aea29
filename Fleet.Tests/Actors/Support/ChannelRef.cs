using System.Threading.Channels;
using Fleet.Shared.Actors;

namespace Fleet.Tests.Actors.Support;

/// <summary>An <see cref="IActorRef"/> outside the actor tree that records what it is told; survives system shutdown.</summary>
internal sealed class ChannelRef : IActorRef
{
    private readonly Channel<object> _received = Channel.CreateUnbounded<object>();

    public ActorPath Path { get; } = ActorPath.Root("observer").Child("channel", Random.Shared.NextInt64(1, long.MaxValue));

    public void Tell(object message, IActorRef? sender) => _received.Writer.TryWrite(message);

    public async Task<T> FishForMessageAsync<T>(Func<T, bool>? match = null)
    {
        using var cts = new CancellationTokenSource(TestProbe.Patience);
        while (true)
        {
            if (await _received.Reader.ReadAsync(cts.Token) is T typed && (match is null || match(typed)))
            {
                return typed;
            }
        }
    }

    public bool Equals(IActorRef? other) => ReferenceEquals(this, other);

    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    public override int GetHashCode() => Path.Uid.GetHashCode();
}
