namespace Fleet.Shared.Protocol;

/// <summary>The wire protocol version every payload carries as <c>v</c>.</summary>
public static class ProtocolVersion
{
    /// <summary>The only version this build reads and writes.</summary>
    public const int Current = 1;
}
