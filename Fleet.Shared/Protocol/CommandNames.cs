namespace Fleet.Shared.Protocol;

/// <summary>The command names of docs/PROTOCOL.md.</summary>
public static class CommandNames
{
    /// <summary>Restart the model host.</summary>
    public const string RestartModel = "restartModel";

    /// <summary>Run golden-input validation and answer with a validation event.</summary>
    public const string Validate = "validate";

    /// <summary>Roll back to the last known-good version.</summary>
    public const string Rollback = "rollback";

    /// <summary>Publish a report now.</summary>
    public const string ReportNow = "reportNow";

    /// <summary>Simulated devices only: inject a fault.</summary>
    public const string InjectFault = "injectFault";
}
