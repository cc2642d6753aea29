namespace Fleet.Gateway.Store.Healing;

/// <summary>One page of heal events; <see cref="NextCursor"/> is null on the last page.</summary>
internal sealed record HealEventPage(IReadOnlyList<HealEventRecord> Items, string? NextCursor);
