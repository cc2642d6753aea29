namespace Fleet.Gateway.Rollouts;

/// <summary>The outcomes a rollout records per device (<c>results[].outcome</c>).</summary>
internal static class DeviceOutcomes
{
    /// <summary>Desired state set to the new version; no outcome yet.</summary>
    public const string Updating = "updating";

    /// <summary>The device installed, validated and soaked the new version.</summary>
    public const string Committed = "committed";

    /// <summary>The device rolled the update back, refused it, or reported nothing within the update timeout.</summary>
    public const string Failed = "failed";

    /// <summary>The rollout set the device back to the previous version after it had taken the new one.</summary>
    public const string RolledBack = "rolledBack";

    /// <summary>Never sent the version (quarantined or unknown when its turn came).</summary>
    public const string Skipped = "skipped";

    /// <summary>Done with the update: its outcome is known.</summary>
    public static bool IsReported(string outcome) => outcome is Committed or Failed;
}
