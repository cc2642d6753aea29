using Fleet.Shared.Actors;

namespace Fleet.Gateway.Twins;

/// <summary>The one way the edge (API, rollouts) asks a twin: <c>Ask</c> with a timeout, default when the twin does not answer.</summary>
internal static class TwinAsk
{
    /// <summary>
    /// Sends <paramref name="request"/> to the device region and awaits the twin's reply; null/default when no answer
    /// came within <paramref name="timeout"/> on <paramref name="time"/> or the twin stopped with the request queued.
    /// </summary>
    /// <remarks>A failure the twin answers (for example a command that could not be sent) is thrown.</remarks>
    public static async Task<T?> AskTwinAsync<T>(this IActorRef devices, ITwinMessage request, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            return await devices.Ask<T>(request, timeout, cancellationToken).WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or AskTimeoutException or TwinStoppedException)
        {
            return default;
        }
    }
}
