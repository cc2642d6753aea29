using Akka.Actor;

namespace Fleet.Gateway.Twins;

/// <summary>
/// The one way the edge (API, ingress, rollouts) asks an actor: Akka's <c>Ask</c> without a timeout of its own,
/// bounded on the gateway's <see cref="TimeProvider"/> (Akka's ask timeout is wall-clock).
/// </summary>
internal static class TwinAsk
{
    /// <summary>
    /// Sends <paramref name="request"/> and awaits the reply; throws <see cref="TimeoutException"/> when none came within
    /// <paramref name="timeout"/> on <paramref name="time"/>, or the failure the actor answered.
    /// </summary>
    /// <remarks>The ask's temporary actor is released when the wait ends, whichever way it ends.</remarks>
    public static async Task<T> AskAsync<T>(this IActorRef actor, object request, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var asking = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            return await actor.Ask<T>(request, Timeout.InfiniteTimeSpan, asking.Token).WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await asking.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends <paramref name="request"/> to the device region and awaits the twin's reply; null/default when no answer
    /// came within <paramref name="timeout"/> on <paramref name="time"/> or the twin stopped with the request queued.
    /// </summary>
    /// <remarks>A failure the twin answers (for example a command that could not be sent) is thrown.</remarks>
    public static async Task<T?> AskTwinAsync<T>(this IActorRef devices, ITwinMessage request, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            return await devices.AskAsync<T>(request, timeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or TwinStoppedException)
        {
            return default;
        }
    }
}
