namespace Fleet.Gateway.Store.Insights;

/// <summary>A failure insight as received from a device (never raw inputs); the store stamps the receive time.</summary>
internal sealed record NewInsight(string DeviceId, string ModelVersion, string Signature, string PayloadJson);
