namespace Fleet.Gateway.Ingress;

/// <summary>
/// How a store failure is ridden out without acknowledging what is not stored (<c>Fleet:Durability</c>): a
/// twin retries a failed write <see cref="WriteAttempts"/> times with exponential backoff; past that, ingress
/// leaves the QoS 1 message unacknowledged and reopens the shard session after a growing
/// <see cref="RedeliveryDelay"/>, so the broker redelivers it, in order, with everything queued behind it.
/// </summary>
internal sealed record DurabilityPolicy
{
    /// <summary>Tries per store write (the first included) before the twin gives up on it.</summary>
    public int WriteAttempts { get; init; } = 4;

    /// <summary>Wait before the second try; doubled for each further try up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long ingress waits for a twin's write before treating the message as not stored.</summary>
    public TimeSpan AcknowledgeTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Wait before reopening a shard session after a message was left unacknowledged; doubled for each
    /// consecutive failure up to <see cref="MaxRedeliveryDelay"/>, reset by the next stored message.</summary>
    public TimeSpan RedeliveryDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRedeliveryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The wait before try <paramref name="attempt"/> + 1 (attempt counts from 1).</summary>
    public TimeSpan RetryDelayAfter(int attempt) => Backoff(RetryDelay, MaxRetryDelay, attempt);

    /// <summary>The wait before reopening a session after <paramref name="failures"/> consecutive failures (from 1).</summary>
    public TimeSpan RedeliveryDelayAfter(int failures) => Backoff(RedeliveryDelay, MaxRedeliveryDelay, failures);

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (WriteAttempts is < 1 or > 100)
        {
            problems.Add($"Fleet:Durability:WriteAttempts {WriteAttempts} must be between 1 and 100.");
        }

        if (RetryDelay < TimeSpan.Zero || MaxRetryDelay < RetryDelay)
        {
            problems.Add("Fleet:Durability:RetryDelay must be ≥ 0 and ≤ MaxRetryDelay.");
        }

        if (AcknowledgeTimeout <= TimeSpan.Zero)
        {
            problems.Add("Fleet:Durability:AcknowledgeTimeout must be positive.");
        }

        if (RedeliveryDelay <= TimeSpan.Zero || MaxRedeliveryDelay < RedeliveryDelay)
        {
            problems.Add("Fleet:Durability:RedeliveryDelay must be positive and ≤ MaxRedeliveryDelay.");
        }

        return problems;
    }

    private static TimeSpan Backoff(TimeSpan first, TimeSpan max, int count)
    {
        var factor = Math.Pow(2, Math.Clamp(count - 1, 0, 30));
        var delay = first * factor;
        return delay > max ? max : delay;
    }
}
