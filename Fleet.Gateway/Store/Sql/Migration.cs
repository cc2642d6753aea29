namespace Fleet.Gateway.Store.Sql;

/// <summary>One numbered schema step of a dialect, loaded from an embedded <c>NNNN_name.sql</c> file.</summary>
internal sealed record Migration(int Version, string Name, string Sql);
