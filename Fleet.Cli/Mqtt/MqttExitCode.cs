namespace Fleet.Cli.Mqtt;

/// <summary>Exit codes of <c>fleet mqtt pub|sub</c>: each says what failed.</summary>
internal static class MqttExitCode
{
    public const int Ok = 0;
    public const int Usage = 1;
    public const int Refused = 2;
    public const int NotAuthorized = 3;
    public const int TlsError = 4;
    public const int Timeout = 5;
    public const int ConnectionLost = 6;

    public const string Help = """
        exit codes: 0 ok, 1 usage error, 2 refused (connection, publication or subscription refused,
                    or a message larger than the server's Maximum Packet Size), 3 not authorised,
                    4 TLS error, 5 timeout (-W), 6 connection failed or lost
        """;
}
