using Fleet.Gateway.Store.Devices;
using Fleet.Gateway.Store.Rollouts;

namespace Fleet.Gateway.Store.Sql;

/// <summary>Stable stored names of enums (camelCase, like the wire), independent of C# member names.</summary>
internal static class EnumText
{
    public static string Of(CredentialKind kind) => kind switch
    {
        CredentialKind.None => "none",
        CredentialKind.Password => "password",
        CredentialKind.Certificate => "certificate",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown credential kind"),
    };

    public static CredentialKind CredentialKindOf(string text) => text switch
    {
        "none" => CredentialKind.None,
        "password" => CredentialKind.Password,
        "certificate" => CredentialKind.Certificate,
        _ => throw new InvalidOperationException($"stored credential kind '{text}' is unknown"),
    };

    public static string Of(RolloutState state) => state switch
    {
        RolloutState.Pending => "pending",
        RolloutState.Running => "running",
        RolloutState.Paused => "paused",
        RolloutState.Aborted => "aborted",
        RolloutState.Completed => "completed",
        RolloutState.RolledBack => "rolledBack",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "unknown rollout state"),
    };

    public static RolloutState RolloutStateOf(string text) => text switch
    {
        "pending" => RolloutState.Pending,
        "running" => RolloutState.Running,
        "paused" => RolloutState.Paused,
        "aborted" => RolloutState.Aborted,
        "completed" => RolloutState.Completed,
        "rolledBack" => RolloutState.RolledBack,
        _ => throw new InvalidOperationException($"stored rollout state '{text}' is unknown"),
    };
}
