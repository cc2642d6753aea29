namespace Fleet.Gateway.Store.Audit;

/// <summary>One page of the audit log, newest first; <see cref="NextCursor"/> is null on the last page.</summary>
internal sealed record AuditPage(IReadOnlyList<AuditEntry> Items, string? NextCursor);
