namespace Fleet.Shared.Protocol;

/// <summary>
/// The Mosquitto ACL every Fleet broker with authentication uses (the gateway's managed broker, the one broker of
/// <c>fleet demo --nodes N</c>): the gateway's user may use the whole tree; a device, logged in with its id as username,
/// may publish only under its own <c>fleet/v1/s/{shard}/{id}/</c> and read only <c>fleet/v1/d/{id}/</c>
/// (docs/PROTOCOL.md, Transport).
/// </summary>
public static class BrokerAcl
{
    /// <summary>The broker user of the gateway's sessions.</summary>
    public const string GatewayUser = "fleet-gateway";

    /// <summary>The ACL file's lines, with a header naming who wrote it.</summary>
    public static IReadOnlyList<string> Lines(string writtenBy) =>
    [
        $"# Written by {writtenBy}. The gateway may use the whole tree;",
        "# a device (username = device id) may publish only under its own fleet/v1/s/{shard}/{id}/",
        "# and read only fleet/v1/d/{id}/ (docs/PROTOCOL.md, Transport).",
        "user " + GatewayUser,
        "topic readwrite fleet/#",
        "",
        "pattern write fleet/v1/s/+/%u/#",
        "pattern read fleet/v1/d/%u/#",
    ];
}
