namespace Fleet.Gateway.Twins;

/// <summary>A twin stopped with the message still queued; the message was not handled.</summary>
internal sealed class TwinStoppedException : Exception
{
    public TwinStoppedException()
    {
    }

    public TwinStoppedException(string message)
        : base(message)
    {
    }

    public TwinStoppedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
