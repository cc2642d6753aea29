namespace Fleet.Gateway.Store;

/// <summary>Schema version of an open store and the migrations this open applied (empty when already current).</summary>
internal sealed record SchemaInfo(string Dialect, int Version, IReadOnlyList<int> AppliedAtOpen);
