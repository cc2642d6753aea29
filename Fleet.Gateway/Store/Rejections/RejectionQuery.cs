namespace Fleet.Gateway.Store.Rejections;

/// <summary>Which rejections to list: all of them, or only one device's, one kind's and/or one cause's.</summary>
internal sealed record RejectionQuery(string? DeviceId = null, string? Kind = null, string? Cause = null);
