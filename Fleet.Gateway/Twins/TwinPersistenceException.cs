namespace Fleet.Gateway.Twins;

/// <summary>A twin's store write or publication failed; thrown inside the twin so its supervisor restarts it.</summary>
internal sealed class TwinPersistenceException : Exception
{
    public TwinPersistenceException()
    {
    }

    public TwinPersistenceException(string message)
        : base(message)
    {
    }

    public TwinPersistenceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
