namespace Fleet.Gateway.Store.Audit;

/// <summary>The append-only audit log: entries are never updated or deleted (the schema refuses it).</summary>
internal interface IAuditLog
{
    /// <summary>Appends an entry stamped with the store's clock.</summary>
    Task<AuditEntry> AppendAsync(string actor, string action, string target, string detailsJson, CancellationToken cancellationToken);

    /// <summary>Entries newest first, optionally only those about <paramref name="target"/>.</summary>
    Task<AuditPage> ListAsync(int limit, string? after, string? target, CancellationToken cancellationToken);
}
