using System.Threading.Channels;
using Fleet.Shared.Actors;

namespace Fleet.Tests.Actors.Support;

/// <summary>A real actor that records what it receives, so tests can await messages (Akka's TestProbe, reduced).</summary>
internal sealed class TestProbe
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly Channel<(object Message, IActorRef? Sender)> _received = Channel.CreateUnbounded<(object, IActorRef?)>();

    public TestProbe(ActorSystem system, string? name = null)
    {
        Ref = system.ActorOf(Props.Create(() => new ProbeActor(_received.Writer)), name);
    }

    public IActorRef Ref { get; }

    public IActorRef? LastSender { get; private set; }

    public async Task<T> ExpectMsgAsync<T>()
    {
        var message = await ReceiveAsync();
        return message is T typed
            ? typed
            : throw new Xunit.Sdk.XunitException($"Expected a {typeof(T).Name} but received {message} ({message.GetType().Name}).");
    }

    public async Task<T> ExpectMsgAsync<T>(T expected)
        where T : notnull
    {
        var message = await ExpectMsgAsync<T>();
        Assert.Equal(expected, message);
        return message;
    }

    public async Task<object> ReceiveAsync()
    {
        using var cts = new CancellationTokenSource(Patience);
        var (message, sender) = await _received.Reader.ReadAsync(cts.Token);
        LastSender = sender;
        return message;
    }

    /// <summary>Receives messages until one of type <typeparamref name="T"/> matching <paramref name="match"/> arrives.</summary>
    public async Task<T> FishForMessageAsync<T>(Func<T, bool>? match = null)
    {
        while (true)
        {
            if (await ReceiveAsync() is T typed && (match is null || match(typed)))
            {
                return typed;
            }
        }
    }

    public bool HasMessages => _received.Reader.Count > 0;

    private sealed class ProbeActor(ChannelWriter<(object, IActorRef?)> sink) : ActorBase
    {
        protected override void OnReceive(object message) => sink.TryWrite((message, Context.Sender));
    }
}
