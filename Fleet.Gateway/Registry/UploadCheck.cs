namespace Fleet.Gateway.Registry;

/// <summary>The gateway's verdict on an upload: refused with the reason, or accepted with what validation measured.</summary>
/// <param name="Problem">Why the upload is refused; null when it is accepted.</param>
/// <param name="Message">The golden validation's summary, when accepted.</param>
/// <param name="MetricsJson">Metrics to register with the version (the card's, plus golden cases and worst error).</param>
internal sealed record UploadCheck(string? Problem, string? Message, string MetricsJson)
{
    public bool Accepted => Problem is null;

    public static UploadCheck Refused(string problem) => new(problem, null, "{}");
}
