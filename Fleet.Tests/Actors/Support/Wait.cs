namespace Fleet.Tests.Actors.Support;

/// <summary>Waits for a condition with a generous timeout instead of sleeping a fixed time.</summary>
internal static class Wait
{
    public static Task UntilAsync(Func<bool> condition, string because) => UntilAsync(() => Task.FromResult(condition()), because);

    public static async Task UntilAsync(Func<Task<bool>> condition, string because)
    {
        using var cts = new CancellationTokenSource(TestProbe.Patience);
        while (!await condition())
        {
            try
            {
                await Task.Delay(5, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException($"Timed out waiting until {because}.");
            }
        }
    }
}
