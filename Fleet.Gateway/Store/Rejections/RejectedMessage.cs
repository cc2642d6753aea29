namespace Fleet.Gateway.Store.Rejections;

/// <summary>A device message the gateway acknowledged without acting on it, and why.</summary>
/// <param name="Id">Ascending id (the page order).</param>
/// <param name="Received">When it was recorded (the store's clock), just after it arrived.</param>
/// <param name="DeviceId">The device named by the topic; null when the topic names none.</param>
/// <param name="Topic">The MQTT topic it came on.</param>
/// <param name="Kind">The topic kind (<c>report</c>, <c>events</c>…), or <c>unknown</c>.</param>
/// <param name="Cause">Why it was rejected: one of <see cref="RejectionCauses"/>.</param>
/// <param name="Reason">What exactly was wrong, as logged.</param>
/// <param name="Size">The payload's size in bytes.</param>
/// <param name="Excerpt">The payload's first bytes (at most <see cref="RejectionLimits.ExcerptBytes"/>).</param>
internal sealed record RejectedMessage(long Id, DateTimeOffset Received, string? DeviceId, string Topic, string Kind, string Cause, string Reason, int Size, byte[] Excerpt);
