namespace Fleet.Gateway;

/// <summary>The gateway cannot start (store, broker or ingress); the message says what to fix.</summary>
internal sealed class GatewayStartupException : Exception
{
    public GatewayStartupException()
    {
    }

    public GatewayStartupException(string message)
        : base(message)
    {
    }

    public GatewayStartupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
