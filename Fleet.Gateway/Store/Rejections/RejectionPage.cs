namespace Fleet.Gateway.Store.Rejections;

/// <summary>One page of the rejected-messages log, newest first; <see cref="NextCursor"/> is null on the last page.</summary>
internal sealed record RejectionPage(IReadOnlyList<RejectedMessage> Items, string? NextCursor);
