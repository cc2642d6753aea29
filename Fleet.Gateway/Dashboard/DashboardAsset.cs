namespace Fleet.Gateway.Dashboard;

/// <summary>One dashboard file: its bytes, content type and strong ETag.</summary>
internal sealed record DashboardAsset(byte[] Bytes, string ContentType, string ETag);
