namespace Fleet.Shared.Health;

/// <summary>A <see cref="HealBudget"/>'s answer.</summary>
/// <param name="Refusal"><see cref="HealRefusal.None"/> when allowed, else why not.</param>
/// <param name="RetryAt">When a heal will next be allowed (now when allowed).</param>
/// <param name="Reason">A sentence for logs and events.</param>
public readonly record struct HealDecision(HealRefusal Refusal, DateTimeOffset RetryAt, string Reason)
{
    /// <summary>True when the heal may go ahead.</summary>
    public bool IsAllowed => Refusal == HealRefusal.None;
}
