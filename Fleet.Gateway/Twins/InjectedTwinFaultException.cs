namespace Fleet.Gateway.Twins;

/// <summary>Thrown by a twin on <see cref="CrashTwin"/>: a deliberate fault to exercise supervision.</summary>
internal sealed class InjectedTwinFaultException : Exception
{
    public InjectedTwinFaultException()
        : base("fault injected into the twin")
    {
    }

    public InjectedTwinFaultException(string message)
        : base(message)
    {
    }

    public InjectedTwinFaultException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
