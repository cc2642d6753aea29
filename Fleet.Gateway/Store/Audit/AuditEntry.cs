namespace Fleet.Gateway.Store.Audit;

/// <summary>One audited operator or system action; <see cref="Actor"/> is the API token's name.</summary>
internal sealed record AuditEntry(long Id, DateTimeOffset Time, string Actor, string Action, string Target, string DetailsJson);
